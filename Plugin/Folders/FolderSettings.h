// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Policy/FramePolicy.h"
#include "CachePolicy.h"

#include <cstdint>
#include <string>

namespace OrthancCors
{
  enum class CrossOriginIsolation
  {
    Off,
    RequireCorp,       // Cross-Origin-Embedder-Policy: require-corp
    Credentialless     // Cross-Origin-Embedder-Policy: credentialless
  };

  // One folder of "Cors.Folders", as the configuration module reads it and the
  // folder server serves it.
  struct FolderSettings
  {
    std::string prefix;               // "/ohif/" (always ends with "/"; "/" allowed on the gateway only)
    std::string path;                 // absolute filesystem path of the folder
    bool singlePageApplication = false;
    CrossOriginIsolation crossOriginIsolation = CrossOriginIsolation::Off;
    // Served by the gateway to any client, without asking Orthanc whether it would let
    // the client in (a viewer build whose own files carry no credentials, as with a
    // bearer token). Orthanc's own port keeps applying its authentication regardless.
    bool isPublic = false;
    // Who may show the folder's pages in a frame: its own origin, plus these.
    FramePolicy framePolicy;
    // Orthanc's plugin SDK answers from one buffer in memory: on Orthanc's own port,
    // an answer whose body would exceed this is refused (the gateway streams any size).
    uint64_t maxBytesOnOrthancPort = DEFAULT_MAX_MEBIBYTES_ON_ORTHANC_PORT * 1024 * 1024;
    // Whether paths with a segment starting with '.' (".git/config", ".htpasswd") are
    // served: a build folder or a copied checkout holds such files without meaning to
    // publish them. ".well-known" is served either way.
    bool serveHiddenFiles = false;
    // The file names a browser may keep for a year without asking again.
    ImmutableNamePattern immutableNames = ImmutableNamePattern::GetDefault();

    static constexpr uint64_t DEFAULT_MAX_MEBIBYTES_ON_ORTHANC_PORT = 64;
  };
}
