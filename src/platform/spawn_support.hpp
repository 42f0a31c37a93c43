// spawn_support: the pieces of fork + exec that run_process and spawn_detached share. Internal to
// src/platform; nothing outside this folder includes it.
//
// The parent-side helpers allocate and may run on any thread. The child-side helpers (marked
// "child side") are async-signal-safe: they are what a child may call between fork() and exec in a
// multithreaded process.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "platform/unique_fd.hpp"
#include "util/error.hpp"

namespace kaso::platform::detail {

// Takes ownership of fd and moves it to a number >= 3 (close-on-exec), so that a child's dup2 onto
// 0/1/2 can never clobber another of our descriptors when the parent runs with a standard stream
// closed.
result<unique_fd> above_stdio(int fd);

struct pipe_ends {
  unique_fd read;
  unique_fd write;
};
// A close-on-exec pipe, both ends above stdio.
result<pipe_ends> make_pipe();

// execvp's PATH search, done before the fork (it allocates). A name with a '/' is returned as is.
// Errors: not_found, permission_denied (found but not executable).
result<std::string> resolve_program(const std::string& name);

// Pointers into argv's strings, null-terminated, for execve. Valid while argv lives.
std::vector<char*> exec_argv(const std::vector<std::string>& argv);

// The highest descriptor number worth scanning when close_range is unavailable.
int descriptor_limit();

// The exec status written by the child on the close-on-exec report pipe: nullopt when the exec
// succeeded (EOF), else the child's errno.
std::optional<int> read_exec_report(int fd);

// Child side: default dispositions for every signal, empty signal mask.
void reset_signals();
// Child side: marks every descriptor from 3 up close-on-exec (max_fd from descriptor_limit()).
void cloexec_from_3(int max_fd);
// Child side: writes errno to the report pipe and exits 127.
[[noreturn]] void report_errno_and_exit(int report_fd);

}  // namespace kaso::platform::detail
