#include "server/access_policy.hpp"

#include <cstdio>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

namespace coqueue::server {
namespace {

const std::string client = "client-token-0123456789";
const std::string admin = "admin-token-0123456789ab";

AccessPolicy policy() {
  return AccessPolicy(AccessSettings{{client}, {admin}, false});
}

unsigned status_of(const std::optional<Response>& r) {
  return r ? r->status : 200;
}

TEST(AccessPolicy, WithoutTokensEveryRouteIsOpen) {
  const AccessPolicy open{AccessSettings{}};
  EXPECT_FALSE(open.enabled());
  EXPECT_FALSE(open.check(RouteId::purge_dead, ""));
  EXPECT_FALSE(open.check_websocket("", ""));
}

TEST(AccessPolicy, ClientTokensReadAndSubmitAdminTokensDoEverything) {
  const AccessPolicy p = policy();
  EXPECT_EQ(status_of(p.check(RouteId::submit_job, "")), 401u);
  EXPECT_EQ(status_of(p.check(RouteId::submit_job, "Bearer " + client)), 200u);
  EXPECT_EQ(status_of(p.check(RouteId::list_jobs, "bearer " + admin)), 200u);
  EXPECT_EQ(status_of(p.check(RouteId::purge_dead, "Bearer " + client)), 403u);
  EXPECT_EQ(status_of(p.check(RouteId::purge_dead, "Bearer " + admin)), 200u);
  EXPECT_EQ(status_of(p.check(RouteId::pause_queue, "Bearer wrong-token-0123456789")), 401u);
  EXPECT_EQ(status_of(p.check(RouteId::get_job, "Basic " + client)), 401u);
  EXPECT_EQ(status_of(p.check(RouteId::get_job, "Bearer " + client + "x")), 401u);
  EXPECT_EQ(status_of(p.check(RouteId::get_job, "Bearer " + client.substr(1))), 401u);
  const auto refused = p.check(RouteId::get_job, "");
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->body.find("\"unauthorized\""), std::string::npos);
  ASSERT_EQ(refused->headers.size(), 1u);
  EXPECT_EQ(refused->headers[0].first, "WWW-Authenticate");
  const auto forbidden = p.check(RouteId::requeue_dead, "Bearer " + client);
  ASSERT_TRUE(forbidden);
  EXPECT_NE(forbidden->body.find("\"forbidden\""), std::string::npos);
}

TEST(AccessPolicy, HealthChecksAndTheDashboardsFilesStayOpen) {
  const AccessPolicy p = policy();
  for (RouteId r : {RouteId::healthz, RouteId::readyz, RouteId::dashboard, RouteId::dashboard_asset,
                    RouteId::openapi}) {
    EXPECT_FALSE(p.check(r, "")) << route_name(r);
  }
  EXPECT_EQ(status_of(p.check(RouteId::metrics, "")), 401u);
  const AccessPolicy public_metrics{AccessSettings{{client}, {}, true}};
  EXPECT_FALSE(public_metrics.check(RouteId::metrics, ""));
  // With no admin token configured, the admin routes are closed to every client token.
  EXPECT_EQ(status_of(public_metrics.check(RouteId::pause_queue, "Bearer " + client)), 403u);
}

TEST(AccessPolicy, AWebSocketMayCarryItsTokenAsASubprotocol) {
  const AccessPolicy p = policy();
  EXPECT_EQ(status_of(p.check_websocket("", "coqueue")), 401u);
  EXPECT_FALSE(p.check_websocket("", "coqueue, bearer." + client));
  EXPECT_FALSE(p.check_websocket("Bearer " + admin, ""));
  EXPECT_EQ(status_of(p.check_websocket("", "coqueue, bearer.nope-nope-nope-nope")), 401u);
  EXPECT_EQ(subprotocol_token("a, bearer.xyz ,c"), "xyz");
  EXPECT_FALSE(subprotocol_token("a, b"));
}

TEST(AccessPolicy, TokensCompareInFullWhateverTheirLength) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(constant_time_equal("", "a"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_EQ(bearer_token("  Bearer   tok  "), "tok");
  EXPECT_FALSE(bearer_token("Bearer"));
  EXPECT_FALSE(bearer_token("Token abc"));
}

class AccessSettingsTest : public ::testing::Test {
 protected:
  AccessSettingsTest() { declare_access_options(cli); }
  ~AccessSettingsTest() override {
    for (const auto& f : files) std::remove(f.c_str());
  }

  std::string file(const std::string& text) {
    std::string path = ::testing::TempDir() + "tokens-" + std::to_string(files.size());
    std::ofstream(path) << text;
    files.push_back(path);
    return path;
  }

  std::variant<AccessSettings, std::string> read(std::vector<std::string> args) {
    const CommandLine::EnvLookup lookup =
        [this](const std::string& n) -> std::optional<std::string> {
      const auto it = env.find(n);
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
    EXPECT_FALSE(cli.parse(args, lookup));
    return read_access_settings(cli, lookup);
  }

  CommandLine cli{"test", "test"};
  std::map<std::string, std::string> env;
  std::vector<std::string> files;
};

TEST_F(AccessSettingsTest, TokensComeFromTheEnvironmentAndFilesNeverFromAFlag) {
  env["COQUEUE_TOKEN"] = client;
  const std::string admins = file("# admins\n\n" + admin + "\n  second-admin-token-xyz  \n");
  const auto read_back = read({"--admin-token-file", admins});
  ASSERT_TRUE(std::holds_alternative<AccessSettings>(read_back))
      << std::get<std::string>(read_back);
  const auto& s = std::get<AccessSettings>(read_back);
  EXPECT_EQ(s.client_tokens, std::vector<std::string>{client});
  EXPECT_EQ(s.admin_tokens, (std::vector<std::string>{admin, "second-admin-token-xyz"}));
  EXPECT_FALSE(s.public_metrics);
  EXPECT_TRUE(cli.parse({"--token", client}, [](const std::string&) { return std::nullopt; }));
}

TEST_F(AccessSettingsTest, BadTokensAreRefusedWithTheReason) {
  env["COQUEUE_TOKEN"] = "short";
  EXPECT_NE(std::get<std::string>(read({})).find("16 to 512"), std::string::npos);
  env["COQUEUE_TOKEN"] = "has spaces in the middle!";
  EXPECT_NE(std::get<std::string>(read({})).find("A-Za-z0-9"), std::string::npos);
  env.clear();
  EXPECT_NE(std::get<std::string>(read({"--token-file", file("# nothing\n")})).find("no token"),
            std::string::npos);
  EXPECT_NE(std::get<std::string>(read({"--token-file", "/nonexistent/x"})).find("cannot read"),
            std::string::npos);
}

}  // namespace
}  // namespace coqueue::server
