// The identity table and get view.
#include "cli/identity/view.hpp"

#include "cli/output.hpp"

namespace kaso::cli::identity {

table list_table(const nlohmann::json& identities) {
  table t{{"ID", "Name", "Kind", "Fingerprint"}, {}, {}};
  if (!identities.is_array()) return t;
  for (const auto& i : identities) {
    t.rows.push_back(
        {text_of(i, "id"), text_of(i, "name"), text_of(i, "kind"), text_of(i, "fingerprint")});
  }
  return t;
}

std::vector<field> fields_of(const nlohmann::json& identity) {
  bool password_set = false;
  if (identity.is_object()) {
    auto it = identity.find("password_set");
    password_set = it != identity.end() && it->is_boolean() && it->get<bool>();
  }
  return {
      {"Id", text_of(identity, "id")},
      {"Name", text_of(identity, "name")},
      {"Kind", text_of(identity, "kind")},
      {"Key type", text_of(identity, "key_type")},
      {"Fingerprint", text_of(identity, "fingerprint")},
      {"Public Key", text_of(identity, "public_key")},
      {"Password", password_set ? "set" : "not set"},
      {"GECOS", text_of(identity, "gecos")},
      {"Home Directory", text_of(identity, "homedir")},
      {"Shell", text_of(identity, "shell")},
      {"Used by", used_by_text(identity)},
      {"Version", text_of(identity, "version")},
      {"Created", text_of(identity, "created")},
      {"Modified", text_of(identity, "modified")},
  };
}

}  // namespace kaso::cli::identity
