// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace OrthancCors
{
  // The value of the first argument named `name` in a query string ("a=1&b=2",
  // without the '?'), both decoded the way Orthanc decodes GET arguments
  // (percent-escapes, '+' as a space), so that "%5Fmethod=DELETE" is found as
  // Orthanc would find it. An argument without '=' has the value "".
  std::optional<std::string> FindQueryArgument(std::string_view query, std::string_view name);

  // Percent-escapes ("%2F") and '+' decoded; a '%' not followed by two hex digits stays as is.
  std::string DecodeQueryComponent(std::string_view text);
}
