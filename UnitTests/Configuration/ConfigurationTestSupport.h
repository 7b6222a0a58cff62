// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "Configuration/Configuration.h"
#include "Configuration/ConfigurationError.h"

#include <gtest/gtest.h>
#include <json/json.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

namespace OrthancCors
{
  // JSON text as Orthanc reads its configuration files: comments allowed.
  inline Json::Value ParseJson(const std::string& text)
  {
    Json::CharReaderBuilder builder;
    builder["allowComments"] = true;
    builder["collectComments"] = false;
    const std::unique_ptr<Json::CharReader> reader(builder.newCharReader());

    Json::Value value;
    std::string errors;
    if (!reader->parse(text.data(), text.data() + text.size(), &value, &errors))
    {
      throw std::runtime_error("test JSON does not parse: " + errors + "\n" + text);
    }
    return value;
  }

  // An Orthanc configuration with remote access allowed (so that the gateway's
  // BindAddress is kept as written) and the given "Cors" section.
  inline Json::Value WithCors(const std::string& corsSection)
  {
    return ParseJson("{ \"RemoteAccessAllowed\": true, \"Cors\": " + corsSection + " }");
  }

  inline Configuration ParseCors(const std::string& corsSection)
  {
    std::optional<Configuration> configuration = ParseConfiguration(WithCors(corsSection));
    if (!configuration)
    {
      throw std::runtime_error("no configuration");
    }
    return std::move(*configuration);
  }

  // Succeeds when parsing throws a ConfigurationError naming exactly `key`, with a
  // message containing `fragment`.
  inline ::testing::AssertionResult IsRefused(const Json::Value& orthancConfiguration,
                                              const std::string& key,
                                              const std::string& fragment = "")
  {
    try
    {
      ParseConfiguration(orthancConfiguration);
      return ::testing::AssertionFailure() << "accepted, expected an error naming " << key;
    }
    catch (const ConfigurationError& e)
    {
      if (e.GetKey() != key)
      {
        return ::testing::AssertionFailure() << "error names " << e.GetKey() << " instead of " << key
                                             << ": " << e.what();
      }
      if (std::string(e.what()).find(fragment) == std::string::npos)
      {
        return ::testing::AssertionFailure() << "message lacks \"" << fragment << "\": " << e.what();
      }
      return ::testing::AssertionSuccess();
    }
  }

  inline ::testing::AssertionResult CorsIsRefused(const std::string& corsSection,
                                                  const std::string& key,
                                                  const std::string& fragment = "")
  {
    return IsRefused(WithCors(corsSection), key, fragment);
  }

  // The message of the ConfigurationError that parsing throws ("" if none).
  inline std::string ErrorMessage(const Json::Value& orthancConfiguration)
  {
    try
    {
      ParseConfiguration(orthancConfiguration);
      return "";
    }
    catch (const ConfigurationError& e)
    {
      return e.what();
    }
  }

  // JSON string literal of `text` (paths of temporary files inside test JSON).
  inline std::string Quoted(const std::string& text)
  {
    return Json::valueToQuotedString(text.c_str());
  }

  // A fresh directory, removed with its content at the end of the test.
  class TemporaryDirectory
  {
  public:
    TemporaryDirectory()
    {
      std::string pattern = (std::filesystem::temp_directory_path() / "cors-configuration-XXXXXX").string();
      if (::mkdtemp(pattern.data()) == nullptr)
      {
        throw std::runtime_error("cannot create a temporary directory");
      }
      path_ = pattern;
    }

    ~TemporaryDirectory()
    {
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
    }

    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;

    const std::filesystem::path& GetPath() const { return path_; }

    std::string MakeDirectory(const std::string& name) const
    {
      std::filesystem::create_directories(path_ / name);
      return (path_ / name).string();
    }

    std::string WriteFile(const std::string& name, const std::string& content) const
    {
      std::ofstream(path_ / name) << content;
      return (path_ / name).string();
    }

  private:
    std::filesystem::path path_;
  };
}
