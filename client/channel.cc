#include "client/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <stdexcept>

#include "common/pem_file.h"

namespace greeter {

std::shared_ptr<grpc::Channel> CreateGreeterChannel(const ClientFlags& flags,
                                                    const wire::WireView* view) {
  const bool tls = flags.tls || !flags.ca.empty() || !flags.cert.empty() || !flags.key.empty();
  if (view) {
    if (tls) throw std::runtime_error("--frames does not go with TLS yet");
    grpc::ChannelArguments arguments;
    // The server sees the :authority it would without the relay.
    const std::string dns = "dns:///";
    arguments.SetString(GRPC_ARG_DEFAULT_AUTHORITY, flags.target.rfind(dns, 0) == 0
                                                        ? flags.target.substr(dns.size())
                                                        : flags.target);
    return grpc::CreateCustomChannel(view->address(), grpc::InsecureChannelCredentials(),
                                     arguments);
  }
  if (!tls) return grpc::CreateChannel(flags.target, grpc::InsecureChannelCredentials());
  grpc::SslCredentialsOptions options;
  // No --ca: the system's trusted CAs (gRPC's default roots).
  if (!flags.ca.empty()) options.pem_root_certs = ReadPemFile(flags.ca);
  if (!flags.cert.empty()) options.pem_cert_chain = ReadPemFile(flags.cert);
  if (!flags.key.empty()) options.pem_private_key = ReadPemFile(flags.key);
  grpc::ChannelArguments arguments;
  // For a server reached by an address its certificate does not name (an IP, a tunnel).
  if (!flags.server_name.empty()) {
    arguments.SetSslTargetNameOverride(flags.server_name);
  }
  return grpc::CreateCustomChannel(flags.target, grpc::SslCredentials(options), arguments);
}

}  // namespace greeter
