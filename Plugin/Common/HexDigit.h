// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

namespace OrthancCors
{
  // The value of a hexadecimal digit of a percent-escape ("%2F"), either case;
  // -1 for any other character.
  inline int HexDigitValue(char c)
  {
    if (c >= '0' && c <= '9')
    {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f')
    {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F')
    {
      return c - 'A' + 10;
    }
    return -1;
  }
}
