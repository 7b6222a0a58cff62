#pragma once

#include "../Configuration/Configuration.h"

#include <boost/asio/ssl/context.hpp>
#include <memory>

namespace OrthancCors
{
  // The gateway's server side: the PEM certificate chain and private key of
  // Cors.Gateway, TLS 1.2 at least, from the files the configuration resolved
  // (GatewaySettings). Throws std::runtime_error naming the key for a file that
  // cannot be loaded, that holds no PEM certificate or key, or a key that does not
  // match the certificate.
  std::shared_ptr<boost::asio::ssl::context> CreateServerTlsContext(const GatewaySettings& settings);

  // The client side towards Orthanc's HTTPS on loopback. Orthanc's certificate is
  // not verified: the connection never leaves the machine and Orthanc's certificate
  // is issued for its public name, not for 127.0.0.1.
  std::shared_ptr<boost::asio::ssl::context> CreateUpstreamTlsContext();
}
