// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <stdexcept>
#include <string>

namespace OrthancCors
{
  // A configuration problem, naming the offending key ("Cors.Gateway.Port") and
  // the reason; the plugin logs it on one line and refuses to start.
  class ConfigurationError : public std::runtime_error
  {
  public:
    ConfigurationError(std::string key, const std::string& reason) :
      std::runtime_error(key + ": " + reason),
      key_(std::move(key))
    {
    }

    const std::string& GetKey() const { return key_; }

  private:
    std::string key_;
  };
}
