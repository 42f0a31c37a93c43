#include "http/operations.hpp"

#include <algorithm>

#include "events/codec.hpp"
#include "http/json_io.hpp"

namespace kaso::http {
namespace {

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

result<std::uint64_t> operations::begin(std::string action, std::string target) {
  std::lock_guard lock(mutex_);
  if (running_ >= max_running) {
    return error::unavailable(std::to_string(max_running) + " operations are running already; wait for one to end");
  }
  auto id = next_id_++;
  ops_[id] = operation{id, std::move(action), std::move(target), now_us(), 0, std::nullopt};
  ++running_;
  return id;
}

void operations::finish(std::uint64_t id, result<std::string> outcome) {
  {
    std::lock_guard lock(mutex_);
    auto it = ops_.find(id);
    if (it == ops_.end() || it->second.outcome) return;
    it->second.outcome = std::move(outcome);
    it->second.finished_us = now_us();
    --running_;
    finished_.push_back(id);
    while (finished_.size() > max_kept) {
      ops_.erase(finished_.front());
      finished_.pop_front();
    }
  }
  ended_.notify_all();
}

nlohmann::json operations::view_of(const operation& op) const {
  nlohmann::json j = {{"id", op.id}, {"action", op.action}, {"target", op.target},
                      {"created", events::format_time(op.created_us)}};
  if (!op.outcome) {
    j["state"] = "running";
    return j;
  }
  j["finished"] = events::format_time(op.finished_us);
  if (op.outcome->ok()) {
    j["state"] = "succeeded";
    j["result"] = nlohmann::json::parse(op.outcome->value(), nullptr, false);
  } else {
    const auto& e = op.outcome->error();
    j["state"] = "failed";
    j["error"] = {{"code", to_string(e.code())}, {"message", e.message()}, {"status", status_for(e.code())}};
  }
  return j;
}

std::optional<nlohmann::json> operations::view(std::uint64_t id, std::chrono::milliseconds wait) const {
  std::unique_lock lock(mutex_);
  auto ended_or_gone = [&] {
    auto it = ops_.find(id);
    return it == ops_.end() || it->second.outcome.has_value();
  };
  ended_.wait_for(lock, std::min<std::chrono::milliseconds>(wait, max_wait), ended_or_gone);
  auto it = ops_.find(id);
  if (it == ops_.end()) return std::nullopt;
  return view_of(it->second);
}

nlohmann::json operations::list() const {
  std::lock_guard lock(mutex_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, op] : ops_) out.push_back(view_of(op));
  return out;
}

}  // namespace kaso::http
