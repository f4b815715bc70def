#include "admin_command.hpp"

#include "cli_options.hpp"
#include "ids.hpp"
#include "password.hpp"
#include "store/sqlite/sqlite_schema.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <cstdio>
#include <iostream>
#include <stdexcept>

namespace helpline::server {

int run_admin(const std::vector<std::string> &args) {
  if (args.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  std::map<std::string, std::string> f;
  try {
    f = parse_flag_pairs(args, 1);
  } catch (const std::exception &e) {
    std::cerr << "helpline-server admin: " << e.what() << "\n";
    return 2;
  }
  auto need = [&](const char *k) -> std::string {
    auto it = f.find(k);
    if (it == f.end() || it->second.empty())
      throw std::invalid_argument(std::string("--") + k + " is required");
    return it->second;
  };
  try {
    const std::string &cmd = args[0];
    if (cmd == "add-agent") {
      AgentRecord a;
      std::string db = need("db"), app = need("app");
      a.email = need("email");
      std::string password = need("password");
      if (a.email.find('@') == std::string::npos) throw std::invalid_argument("--email must contain @");
      if (password.size() < 8) throw std::invalid_argument("--password must have at least 8 characters");
      a.role = f.count("role") ? f["role"] : "agent";
      if (a.role != "agent" && a.role != "admin")
        throw std::invalid_argument("--role must be agent or admin");
      a.name = f.count("name") ? f["name"] : a.email.substr(0, a.email.find('@'));
      a.id = new_id("ag_");
      a.created_at = now_ms();
      password_init();
      a.password_hash = password_hash(password);
      SqliteStore store(db);
      auto tx = store.write();
      if (tx->agents().find_by_email(app, a.email)) {
        std::cerr << "helpline-server admin: an agent with email " << a.email << " already exists for app "
                  << app << "\n";
        return 1;
      }
      tx->agents().insert(app, a);
      tx->commit();
      std::cout << a.id << "\n";
      return 0;
    }
    if (cmd == "list-agents") {
      SqliteStore store(need("db"));
      auto tx = store.read();
      for (const auto &a : tx->agents().list(need("app")))
        std::cout << a.id << "\t" << a.email << "\t" << a.role << "\t" << a.name << "\n";
      return 0;
    }
    std::cerr << "helpline-server admin: unknown command '" << cmd << "'\n" << kUsage;
    return 2;
  } catch (const SchemaTooNew &e) {
    std::cerr << "helpline-server admin: " << e.what() << "\n";
    return 3;
  } catch (const std::invalid_argument &e) {
    std::cerr << "helpline-server admin: " << e.what() << "\n";
    return 2;
  } catch (const std::exception &e) {
    std::cerr << "helpline-server admin: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace helpline::server
