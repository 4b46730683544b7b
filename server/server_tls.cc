#include "server/server_tls.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

namespace greeter {

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(const ServerTls& tls) {
  if (!tls.enabled()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options(
      tls.client_ca.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                            : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = tls.client_ca;
  options.pem_key_cert_pairs.push_back({tls.private_key, tls.certificate_chain});
  return grpc::SslServerCredentials(options);
}

std::optional<std::string> TlsProblem(const ServerTls& tls) {
  if (!tls.enabled()) return std::nullopt;
  using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
  Bio cert_text(
      BIO_new_mem_buf(tls.certificate_chain.data(), static_cast<int>(tls.certificate_chain.size())),
      &BIO_free);
  Bio key_text(BIO_new_mem_buf(tls.private_key.data(), static_cast<int>(tls.private_key.size())),
               &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> certificate(
      PEM_read_bio_X509(cert_text.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!certificate) return "--tls-cert: not a PEM certificate";
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(key_text.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  if (!key) return "--tls-key: not a PEM private key (or one protected by a passphrase)";
  if (X509_check_private_key(certificate.get(), key.get()) != 1) {
    return "--tls-key does not match --tls-cert (the key is not the certificate's)";
  }
  return std::nullopt;
}

}  // namespace greeter
