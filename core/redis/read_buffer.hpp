#pragma once
// The bytes read from a socket and not parsed yet. Unlike a std::string it does not zero the
// space it hands to a read, and it drops parsed bytes once per read, not once per reply.

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace coqueue::redis {

class ReadBuffer {
 public:
  // The unparsed bytes.
  std::string_view data() const { return {bytes_.get() + begin_, end_ - begin_}; }
  void consume(std::size_t n) { begin_ += n; }

  // Room for at least `min_space` more bytes after the data; grows with what it holds, so a
  // large reply arrives in a number of reads that is logarithmic in its size.
  char* prepare(std::size_t min_space) {
    if (begin_ > 0) {  // move the unparsed tail to the front
      std::memmove(bytes_.get(), bytes_.get() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    const std::size_t want = end_ + std::max(min_space, end_);
    if (want > capacity_) {
      auto bigger = std::make_unique_for_overwrite<char[]>(want);
      if (end_ > 0) std::memcpy(bigger.get(), bytes_.get(), end_);
      bytes_ = std::move(bigger);
      capacity_ = want;
    }
    return bytes_.get() + end_;
  }
  std::size_t space() const { return capacity_ - end_; }
  void commit(std::size_t n) { end_ += n; }

  void clear() { begin_ = end_ = 0; }

 private:
  std::unique_ptr<char[]> bytes_;
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace coqueue::redis
