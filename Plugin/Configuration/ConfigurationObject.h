// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <json/value.h>
#include <cstdint>
#include <string>
#include <vector>

namespace OrthancCors
{
  // Key paths as error messages show them: "Cors.Gateway.Port", "Cors.AllowedOrigins[2]",
  // and, for keys that are not plain names (folder prefixes, extensions),
  // Cors.Folders["/ohif"].Path.
  std::string MemberKey(const std::string& parentKey, const std::string& member);
  std::string EntryKey(const std::string& parentKey, const std::string& entry);   // always quoted
  std::string ElementKey(const std::string& parentKey, Json::ArrayIndex index);

  // Single values of the expected JSON type, or a ConfigurationError naming `key`
  // and the type that was expected. Numbers must be integers (600, not 600.0).
  bool ReadBoolean(const Json::Value& value, const std::string& key);
  std::string ReadString(const Json::Value& value, const std::string& key);
  // `rangeReason` explains the bounds, when they deserve it.
  int64_t ReadInteger(const Json::Value& value, const std::string& key,
                      int64_t minimum, int64_t maximum, const std::string& rangeReason = "");
  std::vector<std::string> ReadStringList(const Json::Value& value, const std::string& key);

  // One JSON object of the configuration, read member by member with defaults.
  // Absent members take the default; present ones must have the right type (null
  // included: "MaxAge": null is an error, not a default).
  class ConfigurationObject
  {
  public:
    // Throws ConfigurationError naming `key` unless `value` is a JSON object.
    ConfigurationObject(const Json::Value& value, std::string key);

    // Throws ConfigurationError "unknown key" for the first member not listed,
    // suggesting the closest listed one: a typo in a security setting must never
    // be silently ignored. A listed key may also be written in its environment
    // spelling (EnvironmentSpelling.h: "GenerateEtag" for "GenerateETag"), which
    // the members below read as the key itself; both spellings at once are
    // refused, naming both.
    void RefuseUnknownKeys(const std::vector<std::string>& knownKeys) const;

    const std::string& GetKey() const { return key_; }
    // The member's path as the configuration spells it, so that a message names
    // what the administrator wrote.
    std::string KeyOf(const std::string& member) const { return MemberKey(key_, GetWrittenSpelling(member)); }

    // For objects that map user values (folder prefixes, extensions) rather than
    // setting names: Cors.Folders["ohif"], even when the value looks like a name.
    std::string KeyOfEntry(const std::string& entry) const { return EntryKey(key_, entry); }

    bool Has(const std::string& member) const { return value_.isMember(GetWrittenSpelling(member)); }
    const Json::Value& Get(const std::string& member) const { return value_[GetWrittenSpelling(member)]; }
    std::vector<std::string> GetMemberNames() const { return value_.getMemberNames(); }

    bool GetBoolean(const std::string& member, bool defaultValue) const;
    std::string GetString(const std::string& member, const std::string& defaultValue) const;
    int64_t GetInteger(const std::string& member, int64_t defaultValue,
                       int64_t minimum, int64_t maximum, const std::string& rangeReason = "") const;

  private:
    // `member` if the object has it, else its environment spelling if the object
    // has that, else `member`.
    std::string GetWrittenSpelling(const std::string& member) const;

    const Json::Value& value_;
    std::string key_;
  };
}
