// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FolderBody.h"

#include <stdexcept>

namespace OrthancCors
{
  FolderBody::FolderBody()
  {
  }


  FolderBody FolderBody::InMemory(std::shared_ptr<const std::string> content)
  {
    FolderBody body;
    body.length_ = content ? content->size() : 0;
    body.memory_ = std::move(content);
    return body;
  }


  FolderBody FolderBody::InFile(std::shared_ptr<const OpenFile> file)
  {
    FolderBody body;
    body.length_ = file->GetVersion().size;
    body.file_ = std::move(file);
    return body;
  }


  FolderBody FolderBody::Slice(const ByteRange& range) const
  {
    if (range.first > length_ || range.length > length_ - range.first)
    {
      throw std::out_of_range("a byte range beyond the end of a body");
    }
    FolderBody slice = *this;
    slice.offset_ = offset_ + range.first;
    slice.length_ = range.length;
    return slice;
  }


  std::string_view FolderBody::GetMemory() const
  {
    if (!memory_)
    {
      return std::string_view();
    }
    return std::string_view(*memory_).substr(static_cast<size_t>(offset_), static_cast<size_t>(length_));
  }


  FolderBody FolderBody::Loaded() const
  {
    if (!file_)
    {
      return *this;
    }
    return InMemory(std::make_shared<const std::string>(file_->ReadExactly(offset_, static_cast<size_t>(length_))));
  }
}
