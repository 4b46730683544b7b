#include "client/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "common/pem_file.h"

namespace greeter {

namespace {

bool WantsTls(const ClientFlags& flags) {
  return flags.tls || !flags.ca.empty() || !flags.cert.empty() || !flags.key.empty();
}

}  // namespace

std::optional<wire::UpstreamTls> RelayTls(const ClientFlags& flags) {
  if (!WantsTls(flags)) return std::nullopt;
  wire::UpstreamTls tls;
  if (!flags.ca.empty()) tls.ca_pem = ReadPemFile(flags.ca);
  if (!flags.cert.empty()) tls.cert_pem = ReadPemFile(flags.cert);
  if (!flags.key.empty()) tls.key_pem = ReadPemFile(flags.key);
  tls.server_name = flags.server_name;
  return tls;
}

std::shared_ptr<grpc::Channel> CreateGreeterChannel(const ClientFlags& flags,
                                                    const wire::WireView* view) {
  const bool tls = WantsTls(flags);
  if (view) {
    // Plaintext to the relay, whatever the target: the relay does the TLS (RelayTls).
    grpc::ChannelArguments arguments;
    // The server sees the :authority it would without the relay.
    arguments.SetString(GRPC_ARG_DEFAULT_AUTHORITY, view->authority());
    return grpc::CreateCustomChannel(view->address(), grpc::InsecureChannelCredentials(),
                                     arguments);
  }
  grpc::ChannelArguments arguments;
  if (!flags.lb_policy.empty()) arguments.SetLoadBalancingPolicyName(flags.lb_policy);
  if (!tls) {
    return grpc::CreateCustomChannel(flags.target, grpc::InsecureChannelCredentials(), arguments);
  }
  grpc::SslCredentialsOptions options;
  // No --ca: the system's trusted CAs (gRPC's default roots).
  if (!flags.ca.empty()) options.pem_root_certs = ReadPemFile(flags.ca);
  if (!flags.cert.empty()) options.pem_cert_chain = ReadPemFile(flags.cert);
  if (!flags.key.empty()) options.pem_private_key = ReadPemFile(flags.key);
  // For a server reached by an address its certificate does not name (an IP, a tunnel).
  if (!flags.server_name.empty()) {
    arguments.SetSslTargetNameOverride(flags.server_name);
  }
  return grpc::CreateCustomChannel(flags.target, grpc::SslCredentials(options), arguments);
}

}  // namespace greeter
