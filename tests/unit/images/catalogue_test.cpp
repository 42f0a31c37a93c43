// The shipped data/catalogue.json is well-formed and complete; parse_catalogue refuses what it
// should; lookups by name and architecture.
#include "images/catalogue.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "test_support.hpp"

namespace kaso::images {
namespace {

const std::filesystem::path shipped = std::filesystem::path(KASO_SOURCE_DIR) / "data" / "catalogue.json";

std::string host_of(const std::string& url) {
  const auto start = url.find("://") + 3;
  return url.substr(start, url.find('/', start) - start);
}

std::string basename_of(const std::string& url) { return url.substr(url.rfind('/') + 1); }

TEST(shipped_catalogue, loads) {
  auto cat = load_catalogue(shipped);
  ASSERT_TRUE(cat.ok()) << cat.error().to_string();
  EXPECT_GE(cat->entries().size(), 24u);
}

TEST(shipped_catalogue, every_entry_is_well_formed) {
  auto cat = load_catalogue(shipped);
  ASSERT_TRUE(cat.ok()) << cat.error().to_string();
  for (const auto& e : cat->entries()) {
    SCOPED_TRACE(e.name + " " + std::string(to_string(e.arch)));
    EXPECT_EQ(e.url.rfind("https://", 0), 0u);
    EXPECT_TRUE(e.arch == cpu_arch::x86_64 || e.arch == cpu_arch::aarch64);
    EXPECT_TRUE(e.format == "qcow2" || e.format == "raw");
    EXPECT_FALSE(e.os.empty());
    EXPECT_FALSE(e.version.empty());
    EXPECT_GE(e.min_cpu, 1u);
    EXPECT_GE(e.min_ram_mb, 256u);
    EXPECT_GE(e.min_space_mb, 1024u);
    if (e.checksum.kind == checksum_kind::sha256) {
      EXPECT_EQ(e.checksum.value.size(), 64u);
    } else {
      EXPECT_EQ(e.checksum.url.rfind("https://", 0), 0u);
      // The SUMS file comes from the image's own host and names the file we download.
      EXPECT_EQ(host_of(e.checksum.url), host_of(e.url));
      EXPECT_EQ(e.checksum.file_name, basename_of(e.url));
    }
    // The name says which architecture the image is for.
    const bool arm_name = e.url.find("arm64") != std::string::npos ||
                          e.url.find("aarch64") != std::string::npos;
    EXPECT_EQ(arm_name, e.arch == cpu_arch::aarch64) << e.url;
  }
}

TEST(shipped_catalogue, covers_the_required_releases_on_both_architectures) {
  auto cat = load_catalogue(shipped);
  ASSERT_TRUE(cat.ok()) << cat.error().to_string();
  std::map<std::string, std::set<cpu_arch>> arches;
  std::set<std::string> oses;
  for (const auto& e : cat->entries()) {
    arches[e.name].insert(e.arch);
    oses.insert(e.os);
  }
  for (const auto& name : {"ubuntu-bionic", "ubuntu-focal", "ubuntu-jammy", "ubuntu-kinetic",
                           "ubuntu-lunar", "ubuntu-mantic", "ubuntu-noble", "freebsd-14",
                           "debian-bookworm", "debian-trixie"}) {
    EXPECT_EQ(arches[name].size(), 2u) << name;
  }
  for (const auto& [name, set] : arches) EXPECT_EQ(set.size(), 2u) << name;
  EXPECT_EQ(oses, (std::set<std::string>{"alpine", "debian", "fedora", "freebsd", "ubuntu"}));
  EXPECT_EQ(cat->entries_for(cpu_arch::x86_64).size(), cat->entries_for(cpu_arch::aarch64).size());
}

TEST(shipped_catalogue, debian_and_alpine_publish_sha512_the_others_sha256) {
  auto cat = load_catalogue(shipped);
  ASSERT_TRUE(cat.ok());
  for (const auto& e : cat->entries()) {
    const bool sha512 = e.os == "debian" || e.os == "alpine";
    EXPECT_EQ(e.checksum.kind, sha512 ? checksum_kind::sha512sums : checksum_kind::sha256sums)
        << e.name;
  }
}

TEST(catalogue, find_by_name_and_arch) {
  auto cat = load_catalogue(shipped);
  ASSERT_TRUE(cat.ok());
  auto noble = cat->find("ubuntu-noble", cpu_arch::aarch64);
  ASSERT_TRUE(noble.ok()) << noble.error().to_string();
  EXPECT_EQ(noble->arch, cpu_arch::aarch64);
  EXPECT_EQ(noble->version, "24.04");
  EXPECT_NE(noble->url.find("arm64"), std::string::npos);
  EXPECT_EQ(noble->checksum.url,
            "https://cloud-images.ubuntu.com/releases/noble/release/SHA256SUMS");

  auto missing = cat->find("windows-95", cpu_arch::x86_64);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), errc::not_found);
  EXPECT_NE(missing.error().message().find("windows-95"), std::string::npos);
}

TEST(catalogue, find_says_when_only_another_arch_has_it) {
  catalogue_entry entry;
  entry.name = "x";
  entry.arch = cpu_arch::x86_64;
  const catalogue cat{{entry}};
  auto r = cat.find("x", cpu_arch::aarch64);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("another architecture"), std::string::npos);
  EXPECT_EQ(cat.entries_for(cpu_arch::aarch64).size(), 0u);
  EXPECT_EQ(cat.entries_for(cpu_arch::x86_64).size(), 1u);
}

TEST(cpu_arch, parses_common_spellings) {
  EXPECT_EQ(parse_cpu_arch("x86_64"), cpu_arch::x86_64);
  EXPECT_EQ(parse_cpu_arch("amd64"), cpu_arch::x86_64);
  EXPECT_EQ(parse_cpu_arch("aarch64"), cpu_arch::aarch64);
  EXPECT_EQ(parse_cpu_arch("arm64"), cpu_arch::aarch64);
  EXPECT_EQ(parse_cpu_arch("riscv64"), std::nullopt);
  EXPECT_EQ(to_string(cpu_arch::aarch64), "aarch64");
}

const char* valid_entry = R"({
  "name": "ubuntu-noble", "os": "ubuntu", "version": "24.04", "arch": "x86_64",
  "url": "https://cloud-images.ubuntu.com/releases/noble/release/ubuntu-24.04-server-cloudimg-amd64.img",
  "format": "qcow2",
  "checksum": {"kind": "sha256sums", "url": "https://cloud-images.ubuntu.com/releases/noble/release/SHA256SUMS",
               "file": "ubuntu-24.04-server-cloudimg-amd64.img"},
  "min_cpu": 1, "min_ram_mb": 1024, "min_space_mb": 5120, "future_field": [1, 2]
})";

std::string doc_with(const std::string& entry) {
  return std::string(R"({"schema": 1, "images": [)") + entry + "]}";
}

// valid_entry with `from` replaced by `to`.
std::string variant(const std::string& from, const std::string& to) {
  std::string e = valid_entry;
  const auto pos = e.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  e.replace(pos, from.size(), to);
  return doc_with(e);
}

TEST(parse_catalogue, accepts_a_valid_entry_and_ignores_unknown_keys) {
  auto cat = parse_catalogue(doc_with(valid_entry));
  ASSERT_TRUE(cat.ok()) << cat.error().to_string();
  ASSERT_EQ(cat->entries().size(), 1u);
  const auto& e = cat->entries()[0];
  EXPECT_EQ(e.name, "ubuntu-noble");
  EXPECT_EQ(e.checksum.kind, checksum_kind::sha256sums);
  EXPECT_EQ(e.checksum.file_name, "ubuntu-24.04-server-cloudimg-amd64.img");
  EXPECT_EQ(e.min_ram_mb, 1024u);
  EXPECT_FALSE(e.eol);
}

TEST(parse_catalogue, accepts_an_inline_sha256) {
  const std::string hash(64, 'A');
  auto cat = parse_catalogue(variant(
      R"("checksum": {"kind": "sha256sums", "url": "https://cloud-images.ubuntu.com/releases/noble/release/SHA256SUMS",
               "file": "ubuntu-24.04-server-cloudimg-amd64.img"})",
      R"("checksum": {"kind": "sha256", "value": ")" + hash + R"("})"));
  ASSERT_TRUE(cat.ok()) << cat.error().to_string();
  EXPECT_EQ(cat->entries()[0].checksum.kind, checksum_kind::sha256);
  EXPECT_EQ(cat->entries()[0].checksum.value, std::string(64, 'a'));
}

TEST(parse_catalogue, refuses_malformed_documents) {
  struct bad_case {
    std::string doc;
    std::string says;
  };
  const std::vector<bad_case> cases = {
      {"not json", "JSON"},
      {"[]", "object"},
      {R"({"images": []})", "schema"},
      {R"({"schema": 2, "images": []})", "schema 2"},
      {R"({"schema": 1})", "images"},
      {doc_with("42"), "not an object"},
      {variant(R"("arch": "x86_64")", R"("arch": "sparc")"), "sparc"},
      {variant(R"("arch": "x86_64")", R"("arch": "amd64")"), "amd64"},
      {variant(R"("format": "qcow2")", R"("format": "vmdk")"), "vmdk"},
      {variant("https://cloud-images.ubuntu.com/releases/noble/release/ubuntu",
               "http://cloud-images.ubuntu.com/releases/noble/release/ubuntu"),
       "https"},
      {variant("https://cloud-images.ubuntu.com/releases/noble/release/ubuntu",
               "https://user:pw@cloud-images.ubuntu.com/releases/noble/release/ubuntu"),
       "https"},
      {variant(R"("name": "ubuntu-noble")", R"("name": "Ubuntu Noble")"), "name"},
      {variant(R"("name": "ubuntu-noble", )", ""), "'name'"},
      {variant(R"("min_cpu": 1)", R"("min_cpu": 0)"), "min_cpu"},
      {variant(R"("min_ram_mb": 1024)", R"("min_ram_mb": "1G")"), "min_ram_mb"},
      {variant(R"("min_space_mb": 5120)", R"("min_space_mb": -5)"), "min_space_mb"},
      {variant(R"("kind": "sha256sums")", R"("kind": "md5sums")"), "md5sums"},
      {variant(R"("file": "ubuntu-24.04-server-cloudimg-amd64.img")", R"("file": "")"), "'file'"},
      {variant("https://cloud-images.ubuntu.com/releases/noble/release/SHA256SUMS",
               "ftp://cloud-images.ubuntu.com/SHA256SUMS"),
       "checksum"},
      {doc_with(std::string(valid_entry) + "," + valid_entry), "twice"},
  };
  for (const auto& c : cases) {
    auto r = parse_catalogue(c.doc);
    ASSERT_FALSE(r.ok()) << c.doc;
    EXPECT_EQ(r.error().code(), errc::invalid_argument) << c.doc;
    EXPECT_NE(r.error().message().find(c.says), std::string::npos)
        << "message '" << r.error().message() << "' should mention '" << c.says << "'";
  }
}

TEST(parse_catalogue, the_same_name_on_two_arches_is_fine) {
  std::string arm = valid_entry;
  arm.replace(arm.find("x86_64"), 6, "aarch64");
  auto cat = parse_catalogue(doc_with(std::string(valid_entry) + "," + arm));
  ASSERT_TRUE(cat.ok()) << cat.error().to_string();
  EXPECT_EQ(cat->entries().size(), 2u);
}

TEST(load_catalogue, missing_file_is_not_found) {
  auto r = load_catalogue("/nonexistent/catalogue.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), errc::not_found);
}

TEST(load_catalogue, errors_name_the_file) {
  testing::temp_dir dir;
  const auto path = dir.path() / "catalogue.json";
  testing::write_file(path, "{");
  auto r = load_catalogue(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), errc::invalid_argument);
  EXPECT_NE(r.error().message().find(path.string()), std::string::npos);
}

}  // namespace
}  // namespace kaso::images
