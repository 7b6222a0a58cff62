// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Configuration/Configuration.h"

#include <boost/asio/ssl/context.hpp>
#include <memory>

namespace OrthancCors
{
  // The gateway's server side: the PEM certificate chain and private key of
  // Cors.Gateway, from the files the configuration resolved (GatewaySettings),
  // with Mozilla's "intermediate" profile: TLS 1.2 (or SslMinimumProtocolVersion)
  // and 1.3, SslCiphers on TLS 1.2 in the server's order, ECDHE groups X25519,
  // P-256, P-384, ALPN "http/1.1", no renegotiation, no session tickets. Throws
  // std::runtime_error naming the key for a file that cannot be loaded, that
  // holds no PEM certificate or key, a key that does not match the certificate,
  // or an SslCiphers entry that OpenSSL does not know as one TLS 1.2 suite.
  std::shared_ptr<boost::asio::ssl::context> CreateServerTlsContext(const GatewaySettings& settings);

  // The client side towards Orthanc's HTTPS on loopback. Orthanc's certificate is
  // not verified: the connection never leaves the machine and Orthanc's certificate
  // is issued for its public name, not for 127.0.0.1.
  std::shared_ptr<boost::asio::ssl::context> CreateUpstreamTlsContext();
}
