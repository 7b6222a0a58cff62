// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Folders.h"

#include "../Common/HttpHeaders.h"
#include "../Common/PluginRoutes.h"
#include "ConfigurationError.h"
#include "ConfigurationKeys.h"
#include "FileSystemChecks.h"
#include "RouteSettings.h"
#include "UriPrefixCheck.h"

#include <algorithm>

namespace OrthancCors
{
  namespace
  {
    using ConfigurationKeys::Cors::FOLDERS;
    using ConfigurationKeys::Cors::EXTENSIONS;
    using namespace ConfigurationKeys::Folder;

    CrossOriginIsolation ParseCrossOriginIsolation(const std::string& value, const std::string& key)
    {
      for (CrossOriginIsolation isolation : { CrossOriginIsolation::Off,
                                              CrossOriginIsolation::RequireCorp,
                                              CrossOriginIsolation::Credentialless })
      {
        if (value == ToConfigurationValue(isolation))
        {
          return isolation;
        }
      }

      throw ConfigurationError(key, "\"" + value + "\" is not one of \"require-corp\", "
                               "\"credentialless\" or \"off\"");
    }

    ImmutableNamePattern ParseImmutableNamePattern(const Json::Value& value, const std::string& key)
    {
      try
      {
        return ImmutableNamePattern::Parse(ReadString(value, key));
      }
      catch (const std::invalid_argument& e)
      {
        throw ConfigurationError(key, e.what());
      }
    }

    FolderSettings ReadFolder(const std::string& prefix, const Json::Value& entry, const std::string& key)
    {
      FolderSettings folder;
      folder.prefix = WithTrailingSlash(prefix);

      if (entry.isString())
      {
        folder.path = ResolveReadableDirectory(entry.asString(), key);
      }
      else if (entry.isObject())
      {
        const ConfigurationObject object(entry, key);
        object.RefuseUnknownKeys({ PATH, SINGLE_PAGE_APPLICATION, CROSS_ORIGIN_ISOLATION, PUBLIC,
                                   MAXIMUM_FILE_SIZE_ON_ORTHANC_PORT, FRAME_ANCESTORS, SERVE_HIDDEN_FILES,
                                   IMMUTABLE_NAME_PATTERN });

        if (!object.Has(PATH))
        {
          throw ConfigurationError(key, "a folder object needs a \"" + std::string(PATH) +
                                   "\" (the directory to serve)");
        }

        folder.path = ResolveReadableDirectory(ReadString(object.Get(PATH), object.KeyOf(PATH)),
                                               object.KeyOf(PATH));
        folder.singlePageApplication = object.GetBoolean(SINGLE_PAGE_APPLICATION, false);
        folder.crossOriginIsolation = ParseCrossOriginIsolation(
          object.GetString(CROSS_ORIGIN_ISOLATION, "off"), object.KeyOf(CROSS_ORIGIN_ISOLATION));
        folder.isPublic = object.GetBoolean(PUBLIC, false);
        if (object.Has(FRAME_ANCESTORS))
        {
          folder.framePolicy = FramePolicy(ReadOriginList(object.Get(FRAME_ANCESTORS), object.KeyOf(FRAME_ANCESTORS),
                                                          &FramePolicy::ParseAncestor));
        }
        // Orthanc's SDK takes a body size on 32 bits.
        folder.maxBytesOnOrthancPort = static_cast<uint64_t>(object.GetInteger(
          MAXIMUM_FILE_SIZE_ON_ORTHANC_PORT, FolderSettings::DEFAULT_MAX_MEBIBYTES_ON_ORTHANC_PORT, 1, 4095,
          "in MiB, and Orthanc's plugin SDK sends bodies below 4 GiB")) * 1024 * 1024;
        folder.serveHiddenFiles = object.GetBoolean(SERVE_HIDDEN_FILES, false);
        if (object.Has(IMMUTABLE_NAME_PATTERN))
        {
          folder.immutableNames = ParseImmutableNamePattern(object.Get(IMMUTABLE_NAME_PATTERN),
                                                            object.KeyOf(IMMUTABLE_NAME_PATTERN));
        }
      }
      else
      {
        throw ConfigurationError(key, "expected a directory path string or an object with a \"" +
                                 std::string(PATH) + "\"");
      }

      return folder;
    }

    // "type/subtype" with token characters, optionally followed by parameters.
    bool LooksLikeMimeType(const std::string& mime)
    {
      const size_t slash = mime.find('/');
      const size_t end = std::min(mime.find(';'), mime.size());
      return (slash != std::string::npos &&
              slash < end &&
              IsToken(std::string_view(mime).substr(0, slash)) &&
              IsToken(std::string_view(mime).substr(slash + 1, end - slash - 1)) &&
              std::all_of(mime.begin(), mime.end(), [](char c)
              {
                return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
              }));
    }
  }

  const char* ToConfigurationValue(CrossOriginIsolation isolation)
  {
    switch (isolation)
    {
      case CrossOriginIsolation::RequireCorp:
        return "require-corp";
      case CrossOriginIsolation::Credentialless:
        return "credentialless";
      case CrossOriginIsolation::Off:
      default:
        return "off";
    }
  }

  std::vector<FolderSettings> ReadFolders(const ConfigurationObject& cors, bool gatewayEnabled)
  {
    std::vector<FolderSettings> folders;
    if (!cors.Has(FOLDERS))
    {
      return folders;
    }

    const ConfigurationObject object(cors.Get(FOLDERS), cors.KeyOf(FOLDERS));

    for (const std::string& prefix : object.GetMemberNames())
    {
      const std::string key = object.KeyOfEntry(prefix);
      CheckUriPrefix(prefix, key);

      // On Orthanc's port the first REST callback to match a URI answers it: a folder
      // there would take the plugin's routes, the gateway's access probe included.
      if (IsPluginRoute(prefix))
      {
        throw ConfigurationError(key, "\"" + prefix + "\" is under \"" + std::string(PluginRoutes::PREFIX) +
                                 "\", where the plugin answers its own routes (" + std::string(PluginRoutes::POLICY) +
                                 ", " + std::string(PluginRoutes::CHECK) + "): mount the folder at another prefix");
      }

      if (prefix == "/" && !gatewayEnabled)
      {
        throw ConfigurationError(key, "a folder at \"/\" is served by the gateway only, and " +
                                 ConfigurationKeys::GatewayKeyPath(ConfigurationKeys::Gateway::ENABLE) +
                                 " is false: it would serve nothing");
      }

      FolderSettings folder = ReadFolder(prefix, object.Get(prefix), key);

      const auto same = std::find_if(folders.begin(), folders.end(), [&](const FolderSettings& other)
                                     { return other.prefix == folder.prefix; });
      if (same != folders.end())
      {
        throw ConfigurationError(key, "the same prefix as another folder (\"" + same->prefix + "\")");
      }

      folders.push_back(std::move(folder));
    }
    return folders;
  }

  std::map<std::string, std::string> ReadExtensions(const ConfigurationObject& cors)
  {
    std::map<std::string, std::string> mimeTypes;
    if (!cors.Has(EXTENSIONS))
    {
      return mimeTypes;
    }

    const ConfigurationObject object(cors.Get(EXTENSIONS), cors.KeyOf(EXTENSIONS));

    for (const std::string& extension : object.GetMemberNames())
    {
      const std::string key = object.KeyOfEntry(extension);

      if (extension.size() < 2 || extension[0] != '.' ||
          extension.find('/') != std::string::npos)
      {
        throw ConfigurationError(key, "an extension starts with \".\", as in \".wasm\"");
      }

      const std::string mime = ReadString(object.Get(extension), key);
      if (!LooksLikeMimeType(mime))
      {
        throw ConfigurationError(key, "\"" + mime + "\" is not a MIME type (\"type/subtype\")");
      }

      if (!mimeTypes.emplace(ToLowerAscii(extension), mime).second)
      {
        throw ConfigurationError(key, "given twice (extensions are case-insensitive)");
      }
    }

    return mimeTypes;
  }
}
