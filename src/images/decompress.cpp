// gzip (zlib), xz (liblzma) and zstd (libzstd) decoders behind one streaming loop: read a block,
// feed the decoder until it has consumed it, write what it produced.
#include "images/decompress.hpp"

#include <fcntl.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <memory>
#include <vector>

#include "platform/file_io.hpp"

namespace kaso::images {
namespace {

using platform::unique_fd;

constexpr std::size_t in_block = 256 * 1024;
constexpr std::size_t out_block = 1024 * 1024;

// A streaming decoder. step() consumes from `input` (advancing it) and writes into `out`
// (shrinking it to what was produced); `eof` says no input will follow. `finished` tracks whether
// the data so far ends on a complete stream (or member/frame), which finish() then requires.
class decoder {
 public:
  virtual ~decoder() = default;
  virtual status step(std::string_view& input, std::vector<char>& out, bool eof,
                      bool& finished) = 0;
  status finish(std::string_view format, bool finished) const {
    if (!finished) return bad_data(format, "the stream is truncated");
    return ok_status();
  }

 protected:
  static error bad_data(std::string_view format, std::string_view detail) {
    return error::corruption("invalid " + std::string(format) + " data: " + std::string(detail));
  }
};

class gzip_decoder final : public decoder {
 public:
  gzip_decoder() { ok_ = inflateInit2(&z_, 15 + 16) == Z_OK; }
  ~gzip_decoder() override { inflateEnd(&z_); }

  status step(std::string_view& input, std::vector<char>& out, bool /*eof*/,
              bool& finished) override {
    if (!ok_) return error::internal("zlib: cannot initialise the decoder");
    if (finished && !input.empty()) {  // another gzip member follows
      inflateReset(&z_);
      finished = false;
    }
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    z_.avail_in = static_cast<uInt>(input.size());
    z_.next_out = reinterpret_cast<Bytef*>(out.data());
    z_.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&z_, Z_NO_FLUSH);
    input.remove_prefix(input.size() - z_.avail_in);
    out.resize(out.size() - z_.avail_out);
    if (rc == Z_STREAM_END) {
      finished = true;
      return ok_status();
    }
    if (rc == Z_OK || rc == Z_BUF_ERROR) return ok_status();
    return bad_data("gzip", z_.msg != nullptr ? z_.msg : "inflate failed");
  }

 private:
  z_stream z_{};
  bool ok_ = false;
};

class xz_decoder final : public decoder {
 public:
  xz_decoder() { ok_ = lzma_stream_decoder(&s_, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK; }
  ~xz_decoder() override { lzma_end(&s_); }

  // With LZMA_CONCATENATED the end is only reported once LZMA_FINISH says no input follows.
  status step(std::string_view& input, std::vector<char>& out, bool eof,
              bool& finished) override {
    if (!ok_) return error::internal("liblzma: cannot initialise the decoder");
    const lzma_action action = eof ? LZMA_FINISH : LZMA_RUN;
    s_.next_in = reinterpret_cast<const uint8_t*>(input.data());
    s_.avail_in = input.size();
    s_.next_out = reinterpret_cast<uint8_t*>(out.data());
    s_.avail_out = out.size();
    const lzma_ret rc = lzma_code(&s_, action);
    input.remove_prefix(input.size() - s_.avail_in);
    out.resize(out.size() - s_.avail_out);
    switch (rc) {
      case LZMA_OK:
      case LZMA_BUF_ERROR: return ok_status();
      case LZMA_STREAM_END: finished = true; return ok_status();
      case LZMA_MEM_ERROR: return error::internal("xz: out of memory");
      case LZMA_FORMAT_ERROR: return bad_data("xz", "not an xz stream");
      case LZMA_DATA_ERROR: return bad_data("xz", "corrupt data");
      case LZMA_OPTIONS_ERROR: return bad_data("xz", "unsupported options");
      default: return bad_data("xz", "decoder error " + std::to_string(static_cast<int>(rc)));
    }
  }

  lzma_stream s_ = LZMA_STREAM_INIT;
  bool ok_ = false;
};

class zstd_decoder final : public decoder {
 public:
  zstd_decoder() : ctx_(ZSTD_createDCtx()) {}
  ~zstd_decoder() override { ZSTD_freeDCtx(ctx_); }

  status step(std::string_view& input, std::vector<char>& out, bool /*eof*/,
              bool& finished) override {
    if (ctx_ == nullptr) return error::internal("libzstd: cannot create a context");
    ZSTD_inBuffer in{input.data(), input.size(), 0};
    ZSTD_outBuffer o{out.data(), out.size(), 0};
    const std::size_t rc = ZSTD_decompressStream(ctx_, &o, &in);
    input.remove_prefix(in.pos);
    out.resize(o.pos);
    if (ZSTD_isError(rc)) return bad_data("zstd", ZSTD_getErrorName(rc));
    // 0: a frame is complete and flushed. A call that moved nothing says nothing new (with no
    // input left after a complete frame, zstd asks for the next frame's header).
    if (in.pos > 0 || o.pos > 0) finished = rc == 0;
    return ok_status();
  }

 private:
  ZSTD_DCtx* ctx_;
};

std::unique_ptr<decoder> make_decoder(compression kind) {
  switch (kind) {
    case compression::gzip: return std::make_unique<gzip_decoder>();
    case compression::xz: return std::make_unique<xz_decoder>();
    case compression::zstd: return std::make_unique<zstd_decoder>();
    case compression::none: break;
  }
  return nullptr;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

status pump(int in_fd, int out_fd, const std::filesystem::path& in,
            const std::filesystem::path& out, compression kind, decoder& dec,
            const std::atomic<bool>& cancel) {
  std::vector<char> in_buffer(in_block);
  std::vector<char> out_buffer;
  bool finished = false;
  for (;;) {
    if (cancel.load()) return error{errc::cancelled, "decompression cancelled"};
    auto got = platform::read_some(in_fd, in_buffer.data(), in_buffer.size(), in);
    if (!got) return got.error();
    if (*got == 0) break;
    std::string_view input(in_buffer.data(), *got);
    do {
      out_buffer.resize(out_block);
      if (auto st = dec.step(input, out_buffer, false, finished); !st) return st;
      if (auto st = platform::write_all(out_fd, {out_buffer.data(), out_buffer.size()}, out); !st) {
        return st;
      }
    } while (!input.empty() || out_buffer.size() == out_block);
  }
  // Drain what the decoder still holds (zstd/gzip may have buffered output).
  for (;;) {
    std::string_view none;
    out_buffer.resize(out_block);
    if (auto st = dec.step(none, out_buffer, true, finished); !st) return st;
    if (out_buffer.empty()) break;
    if (auto st = platform::write_all(out_fd, {out_buffer.data(), out_buffer.size()}, out); !st) {
      return st;
    }
  }
  return dec.finish(to_string(kind), finished);
}

}  // namespace

std::string_view to_string(compression kind) {
  switch (kind) {
    case compression::none: return "none";
    case compression::gzip: return "gzip";
    case compression::xz: return "xz";
    case compression::zstd: return "zstd";
  }
  return "none";
}

compression detect_compression(std::string_view name, std::string_view head) {
  using namespace std::string_view_literals;
  if (head.substr(0, 2) == "\x1f\x8b"sv) return compression::gzip;
  if (head.substr(0, 6) == "\xfd\x37\x7a\x58\x5a\x00"sv) return compression::xz;
  if (head.substr(0, 4) == "\x28\xb5\x2f\xfd"sv) return compression::zstd;
  if (head.size() >= compression_magic_bytes) return compression::none;
  name = name.substr(0, name.find_first_of("?#"));
  if (ends_with(name, ".gz")) return compression::gzip;
  if (ends_with(name, ".xz")) return compression::xz;
  if (ends_with(name, ".zst")) return compression::zstd;
  return compression::none;
}

status decompress_file(const std::filesystem::path& in, const std::filesystem::path& out,
                       compression kind, const std::atomic<bool>& cancel) {
  auto dec = make_decoder(kind);
  if (!dec) return error::internal("decompress_file: nothing to decompress");
  auto in_fd = platform::open_file(in, O_RDONLY);
  if (!in_fd) return in_fd.error();
  auto out_fd = platform::open_file(out, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (!out_fd) return out_fd.error();
  auto st = pump(in_fd->get(), out_fd->get(), in, out, kind, *dec, cancel);
  if (st) st = platform::sync_file(out_fd->get(), out);
  if (!st) {
    out_fd->reset();
    std::error_code ec;
    std::filesystem::remove(out, ec);
    if (st.error().code() == errc::corruption) {
      return error::corruption("'" + in.filename().string() + "' (" + std::string(to_string(kind)) +
                               "): " + st.error().message());
    }
  }
  return st;
}

}  // namespace kaso::images
