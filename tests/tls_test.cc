// TLS and mutual TLS, with certificates tools/make-dev-certs makes for each test.

#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "client/channel.h"
#include "common/pem_file.h"
#include "tests/support/child_process.h"
#include "tests/support/test_server.h"

namespace greeter::testing {
namespace {

class Tls : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir_template = (std::filesystem::temp_directory_path() / "greeter-certs-XXXXXX");
    ASSERT_NE(mkdtemp(dir_template.data()), nullptr);
    dir_ = dir_template;
    const auto made = RunProgram({GREETER_MAKE_DEV_CERTS, dir_});
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string File(const std::string& name) const { return dir_ + "/" + name; }
  ServerTls ServerSide(bool mutual) const {
    return {ReadPemFile(File("server.pem")), ReadPemFile(File("server-key.pem")),
            mutual ? ReadPemFile(File("ca.pem")) : ""};
  }

  // SayHello over a channel made as greeter-client makes it, with `flags` (target filled in).
  grpc::Status Hello(const TestServer& server, ClientFlags flags) const {
    flags.target = server.target();
    auto stub = greet::Greeter::NewStub(CreateGreeterChannel(flags));
    grpc::ClientContext context;
    context.set_deadline(In(5s));
    greet::HelloReply reply;
    return stub->SayHello(&context, NamedRequest("Alice"), &reply);
  }

  std::string dir_;
};

TEST_F(Tls, ACallSucceedsWithTheRightCa) {
  TestServer server(ServerSide(false));
  ClientFlags flags;
  flags.ca = File("ca.pem");
  const auto status = Hello(server, flags);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(Tls, TheWrongCaIsUnavailableSayingTheHandshakeFailed) {
  TestServer server(ServerSide(false));
  ClientFlags flags;
  flags.ca = File("other-ca.pem");
  const auto status = Hello(server, flags);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(status.error_message().find("andshake"), std::string::npos) << status.error_message();
}

TEST_F(Tls, APlaintextClientIsRefused) {
  TestServer server(ServerSide(false));
  EXPECT_EQ(Hello(server, {}).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(Tls, MutualTlsAcceptsAClientSignedByTheClientCa) {
  TestServer server(ServerSide(true));
  ClientFlags flags;
  flags.ca = File("ca.pem");
  flags.cert = File("client.pem");
  flags.key = File("client-key.pem");
  const auto status = Hello(server, flags);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(Tls, MutualTlsRefusesAClientWithoutACertificate) {
  TestServer server(ServerSide(true));
  ClientFlags flags;
  flags.ca = File("ca.pem");
  EXPECT_EQ(Hello(server, flags).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(Tls, MutualTlsRefusesAClientSignedByAnotherCa) {
  TestServer server(ServerSide(true));
  ClientFlags flags;
  flags.ca = File("ca.pem");
  flags.cert = File("other-client.pem");
  flags.key = File("other-client-key.pem");
  EXPECT_EQ(Hello(server, flags).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(Tls, TheBinariesServeAndCallOverMutualTls) {
  ChildProcess server({GREETER_SERVER_BIN, "--listen", "127.0.0.1:0", "--tls-cert",
                       File("server.pem"), "--tls-key", File("server-key.pem"), "--tls-client-ca",
                       File("ca.pem")});
  const auto ready = server.ReadStdoutLine(10s);
  ASSERT_TRUE(ready) << server.stderr_text();
  const std::string target = ready->substr(ready->rfind(' ') + 1);
  const auto call =
      RunProgram({GREETER_CLIENT_BIN, "--target", target, "--ca", File("ca.pem"), "--cert",
                  File("client.pem"), "--key", File("client-key.pem"), "hello", "Alice"});
  EXPECT_EQ(call.exit_code, 0) << call.err;
  EXPECT_EQ(call.out, "Hello Alice\n");
}

TEST_F(Tls, AKeyThatIsNotTheCertificatesIsRefusedSayingSo) {
  const auto refused = RunProgram({GREETER_SERVER_BIN, "--listen", "127.0.0.1:0", "--tls-cert",
                                   File("server.pem"), "--tls-key", File("client-key.pem")});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--tls-key does not match --tls-cert"), std::string::npos)
      << refused.err;
}

TEST_F(Tls, AClientCertificateWithoutItsKeyOrAKeyWithoutItsCertificateExitsTwoNamingBoth) {
  for (const auto& [flag, file, message] :
       {std::tuple{"--cert", "client.pem", "--cert requires --key"},
        std::tuple{"--key", "client-key.pem", "--key requires --cert"}}) {
    const auto refused = RunProgram({GREETER_CLIENT_BIN, "--target", "127.0.0.1:1", "--ca",
                                     File("ca.pem"), flag, File(file), "hello", "Alice"});
    EXPECT_EQ(refused.exit_code, 2) << flag << ": " << refused.err;
    EXPECT_NE(refused.err.find(message), std::string::npos) << refused.err;
  }
}

// --frames with TLS: gRPC speaks plaintext to the client's relay, which does the TLS to the
// server with the same checks; the frames are seen in the clear.
class TlsWireView : public Tls {
 protected:
  RunResult Client(const TestServer& server, std::vector<std::string> args) {
    args.insert(args.begin(), {GREETER_CLIENT_BIN, "--target", server.target(), "--frames=json"});
    args.insert(args.end(), {"--deadline", "5s", "hello", "A"});
    return RunProgram(args);
  }
};

TEST_F(TlsWireView, ShowsATlsCallsFramesInTheClear) {
  TestServer server(ServerSide(false));
  const auto run = Client(server, {"--ca", File("ca.pem")});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "Hello A\n");
  EXPECT_NE(run.err.find(R"([":path","/greet.Greeter/SayHello"])"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(R"("message":{"message":"Hello A"})"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(R"("grpc_status":"OK")"), std::string::npos) << run.err;
}

TEST_F(TlsWireView, RefusesAServerTheCaDidNotSignSayingTheHandshakeFailed) {
  TestServer server(ServerSide(false));
  const auto run = Client(server, {"--ca", File("other-ca.pem")});
  EXPECT_EQ(run.exit_code, 64 + 14) << run.err;
  EXPECT_NE(run.err.find("TLS handshake with the target failed"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("\"type\":\"HEADERS\""), std::string::npos) << run.err;
}

TEST_F(TlsWireView, ChecksTheServerNameAsTheChannelWould) {
  TestServer server(ServerSide(false));  // its certificate names localhost and 127.0.0.1
  EXPECT_EQ(Client(server, {"--ca", File("ca.pem"), "--server-name", "localhost"}).exit_code, 0);
  const auto wrong = Client(server, {"--ca", File("ca.pem"), "--server-name", "other.example"});
  EXPECT_EQ(wrong.exit_code, 64 + 14) << wrong.err;
  EXPECT_NE(wrong.err.find("TLS handshake with the target failed"), std::string::npos) << wrong.err;
}

TEST_F(TlsWireView, DoesMutualTlsWithTheClientsCertificate) {
  TestServer server(ServerSide(true));
  const auto run = Client(server, {"--ca", File("ca.pem"), "--cert", File("client.pem"), "--key",
                                   File("client-key.pem")});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find(R"("grpc_status":"OK")"), std::string::npos) << run.err;
  EXPECT_EQ(Client(server, {"--ca", File("ca.pem")}).exit_code, 64 + 14);  // no certificate
}

TEST(TlsFlags, PlaintextOnANonLoopbackAddressWarns) {
  ChildProcess server({GREETER_SERVER_BIN, "--listen", "0.0.0.0:0"});
  ASSERT_TRUE(server.ReadStdoutLine(10s)) << server.stderr_text();
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(10s), 0);
  EXPECT_NE(server.stderr_text().find("warning: plaintext on 0.0.0.0:0"), std::string::npos)
      << server.stderr_text();
}

}  // namespace
}  // namespace greeter::testing
