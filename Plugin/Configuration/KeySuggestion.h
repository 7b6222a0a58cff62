// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace OrthancCors
{
  // The known key an unknown one most probably meant: same letters ignoring case,
  // "_" and "-" (as in "allowed_origins"), or a few typing mistakes away
  // ("AllowedOrigin", "AllowOrigins"). std::nullopt when none is close enough to
  // be a helpful guess.
  std::optional<std::string> SuggestClosestKey(std::string_view unknownKey,
                                               const std::vector<std::string>& knownKeys);
}
