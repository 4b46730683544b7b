#pragma once

#include <grpcpp/security/server_credentials.h>

#include <memory>
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

}  // namespace greeter
