// Every bound on waiting inside kaso-server, in one place (issue #18): each outer wait is built
// from the inner ones it covers, so none can run out before what it waits for.
//
//   qemu start        spawn until QMP says "running"                       (vm_host::launch)
//   vm start          the manager waits for the VM actor's start: qemu start + its listener
//   API start         an HTTP thread waits for a start: vm start + the two appends around it
//   stop              the guest's grace (the request's timeout) + quit and kill (qemu::stop: 15 s)
//   API stop          stop + the appends
//   API restart       API stop + API start
//   provisioning      the worker writing an instance's files (qemu-img, the seed ISO)
//   API create        provisioning + the image reservation and the appends
//   API remove        a forced remove stops first: API stop at the default grace + file removal
//
// Header-only constants; any thread.
#pragma once

#include <chrono>

namespace kaso::actors::timeouts {

using std::chrono::seconds;

// Between actors, and from an adapter to an actor, when nothing slow is asked.
inline constexpr seconds request{30};
// A bound on the appends and hand-offs around a slow step (group commit, mailboxes).
inline constexpr seconds bookkeeping{10};

inline constexpr std::chrono::milliseconds qemu_start{30000};
inline constexpr auto vm_start = qemu_start + bookkeeping;
inline constexpr auto api_start = vm_start + 2 * bookkeeping;
// Taking over a running qemu: the pidfd, /proc checks and a QMP connect (5 s).
inline constexpr seconds adopt{30};

// quit (5 s) then kill (10 s) after the guest's grace (qemu::stop).
inline constexpr seconds stop_after_grace{15};
constexpr auto stop(seconds grace) { return grace + stop_after_grace + bookkeeping; }
constexpr auto api_stop(seconds grace) { return stop(grace) + 2 * bookkeeping; }
constexpr auto api_restart(seconds grace) { return api_stop(grace) + api_start; }

inline constexpr seconds provisioning{300};
inline constexpr auto api_create = provisioning + 6 * bookkeeping;
// Removing files (an instance directory, an image) on a worker.
inline constexpr seconds file_work{60};
inline constexpr auto api_remove = api_stop(seconds(60)) + file_work;

}  // namespace kaso::actors::timeouts
