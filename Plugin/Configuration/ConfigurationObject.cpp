// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationObject.h"

#include "ConfigurationError.h"
#include "EnvironmentSpelling.h"
#include "KeySuggestion.h"

#include <algorithm>
#include <cctype>

namespace OrthancCors
{
  namespace
  {
    bool IsPlainName(const std::string& member)
    {
      return !member.empty() &&
        std::all_of(member.begin(), member.end(), [](char c)
        {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
        });
    }

    std::string DescribeType(const Json::Value& value)
    {
      switch (value.type())
      {
        case Json::nullValue:
          return "null";
        case Json::booleanValue:
          return "a boolean";
        case Json::intValue:
        case Json::uintValue:
          return "an integer";
        case Json::realValue:
          return "a decimal number";
        case Json::stringValue:
          return "a string";
        case Json::arrayValue:
          return "an array";
        case Json::objectValue:
          return "an object";
        default:
          return "an unknown JSON type";
      }
    }

    [[noreturn]] void ThrowWrongType(const std::string& key, const std::string& expected,
                                     const Json::Value& value)
    {
      throw ConfigurationError(key, "expected " + expected + ", got " + DescribeType(value));
    }
  }

  std::string MemberKey(const std::string& parentKey, const std::string& member)
  {
    if (parentKey.empty())
    {
      return member;
    }
    else if (IsPlainName(member))
    {
      return parentKey + "." + member;
    }
    else
    {
      return EntryKey(parentKey, member);
    }
  }

  std::string EntryKey(const std::string& parentKey, const std::string& entry)
  {
    return parentKey + "[\"" + entry + "\"]";
  }

  std::string ElementKey(const std::string& parentKey, Json::ArrayIndex index)
  {
    return parentKey + "[" + std::to_string(index) + "]";
  }

  bool ReadBoolean(const Json::Value& value, const std::string& key)
  {
    if (!value.isBool())
    {
      ThrowWrongType(key, "a boolean (true or false)", value);
    }
    return value.asBool();
  }

  std::string ReadString(const Json::Value& value, const std::string& key)
  {
    if (!value.isString())
    {
      ThrowWrongType(key, "a string", value);
    }
    return value.asString();
  }

  int64_t ReadInteger(const Json::Value& value, const std::string& key,
                      int64_t minimum, int64_t maximum, const std::string& rangeReason)
  {
    const std::string range = "an integer between " + std::to_string(minimum) +
      " and " + std::to_string(maximum);

    if (value.type() != Json::intValue &&
        value.type() != Json::uintValue)
    {
      ThrowWrongType(key, range, value);
    }

    if (!value.isInt64() ||
        value.asInt64() < minimum ||
        value.asInt64() > maximum)
    {
      const std::string written = value.isInt64() ?
        std::to_string(value.asInt64()) : std::to_string(value.asUInt64());
      throw ConfigurationError(key, "expected " + range + ", got " + written +
                               (rangeReason.empty() ? "" : ": " + rangeReason));
    }

    return value.asInt64();
  }

  std::vector<std::string> ReadStringList(const Json::Value& value, const std::string& key)
  {
    if (!value.isArray())
    {
      ThrowWrongType(key, "an array of strings", value);
    }

    std::vector<std::string> strings;
    for (Json::ArrayIndex i = 0; i < value.size(); i++)
    {
      strings.push_back(ReadString(value[i], ElementKey(key, i)));
    }
    return strings;
  }

  ConfigurationObject::ConfigurationObject(const Json::Value& value, std::string key) :
    value_(value),
    key_(std::move(key))
  {
    if (!value_.isObject())
    {
      ThrowWrongType(key_, "an object", value_);
    }
  }

  void ConfigurationObject::RefuseUnknownKeys(const std::vector<std::string>& knownKeys) const
  {
    for (const std::string& member : value_.getMemberNames())
    {
      const auto spelledAsMember = std::find_if(knownKeys.begin(), knownKeys.end(), [&](const std::string& known)
      {
        return known != member && GetEnvironmentSpelling(known) == member;
      });
      if (spelledAsMember != knownKeys.end() && value_.isMember(*spelledAsMember))
      {
        // A file and a variable of the orthancteam image both set it: neither may win silently.
        throw ConfigurationError(KeyOf(*spelledAsMember), "set twice, as \"" + *spelledAsMember + "\" and as \"" +
                                 member + "\" (the spelling the orthancteam Docker image gives to this key when "
                                 "an environment variable sets it): keep one of them");
      }
      if (spelledAsMember == knownKeys.end() &&
          std::find(knownKeys.begin(), knownKeys.end(), member) == knownKeys.end())
      {
        std::string reason = "unknown key";

        const auto suggestion = SuggestClosestKey(member, knownKeys);
        if (suggestion)
        {
          reason += " (did you mean \"" + *suggestion + "\"?)";
        }

        throw ConfigurationError(KeyOf(member), reason);
      }
    }
  }

  std::string ConfigurationObject::GetWrittenSpelling(const std::string& member) const
  {
    if (!value_.isMember(member))
    {
      std::string spelling = GetEnvironmentSpelling(member);
      if (value_.isMember(spelling))
      {
        return spelling;
      }
    }
    return member;
  }

  bool ConfigurationObject::GetBoolean(const std::string& member, bool defaultValue) const
  {
    return Has(member) ? ReadBoolean(Get(member), KeyOf(member)) : defaultValue;
  }

  std::string ConfigurationObject::GetString(const std::string& member,
                                             const std::string& defaultValue) const
  {
    return Has(member) ? ReadString(Get(member), KeyOf(member)) : defaultValue;
  }

  int64_t ConfigurationObject::GetInteger(const std::string& member, int64_t defaultValue,
                                          int64_t minimum, int64_t maximum,
                                          const std::string& rangeReason) const
  {
    return Has(member) ? ReadInteger(Get(member), KeyOf(member), minimum, maximum, rangeReason) : defaultValue;
  }
}
