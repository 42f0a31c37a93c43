// Compiled twice by CTest (issue #18): as it is, it must compile; with KASO_BREAK set it sends the
// supervisor a message no actor handles, and must not compile. The pair keeps the check honest: a
// file that fails for any other reason fails the first build too.
#include "actors/ask.hpp"

namespace kaso::actors {

result<json_text> asks(caf::actor_system& sys, const supervisor_actor& sup) {
#ifdef KASO_BREAK
  return ask<json_text>(sys, sup, list_atom_v, std::string("instances"));  // the old stringly form
#else
  return ask<json_text>(sys, sup, list_atom_v, instances_atom_v);
#endif
}

}  // namespace kaso::actors
