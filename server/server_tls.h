#pragma once

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <optional>
#include <string>

namespace greeter {

// What the server needs for TLS, as PEM text. No certificate: plaintext.
struct ServerTls {
  std::string certificate_chain;
  std::string private_key;
  // Given: mutual TLS, every client must present a certificate signed by one of these CAs.
  std::string client_ca;

  bool enabled() const { return !certificate_chain.empty(); }
};

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(const ServerTls& tls);

// What is wrong with `tls` that would make gRPC refuse to listen with no reason given (a key
// that does not belong to the certificate, PEM that does not parse), or nothing.
std::optional<std::string> TlsProblem(const ServerTls& tls);

}  // namespace greeter
