// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationKeys.h"

#include "ConfigurationObject.h"

namespace OrthancCors::ConfigurationKeys
{
  std::string CorsKeyPath(std::string_view member)
  {
    return MemberKey(CORS, std::string(member));
  }

  std::string GatewayKeyPath(std::string_view member)
  {
    return MemberKey(CorsKeyPath(Cors::GATEWAY), std::string(member));
  }
}
