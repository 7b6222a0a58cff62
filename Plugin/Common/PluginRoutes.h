// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <string_view>

namespace OrthancCors
{
  // The routes the plugin answers itself, as REST callbacks on Orthanc's port (the
  // gateway relays them there). They live under one prefix the plugin owns, so that
  // no folder ever answers them: a folder cannot be mounted there, and a folder at
  // "/" does not take them for files or client-side routes of its application.
  namespace PluginRoutes
  {
    inline constexpr std::string_view PREFIX = "/cors/";
    inline constexpr std::string_view POLICY = "/cors/policy";                 // GET: the effective policy
    inline constexpr std::string_view CHECK = "/cors/check";                   // POST: the check of a request
    inline constexpr std::string_view FOLDER_ACCESS = "/cors/folder-access";   // GET: the gateway's access probe
  }

  // Whether a path (decoded, normalized) is under the plugin's own prefix: "/cors"
  // and below, never "/corsair".
  bool IsPluginRoute(std::string_view path);
}
