#include "client/wire/hpack_inflater.h"

#include <new>

namespace greeter::wire {

HpackInflater::HpackInflater() {
  if (nghttp2_hd_inflate_new(&inflater_) != 0) throw std::bad_alloc();
}

HpackInflater::~HpackInflater() { nghttp2_hd_inflate_del(inflater_); }

std::optional<std::string> HpackInflater::Inflate(std::span<const uint8_t> fragment, bool last,
                                                  HeaderList& fields) {
  const uint8_t* in = fragment.data();
  size_t left = fragment.size();
  for (;;) {
    nghttp2_nv field;
    int inflate_flags = 0;
    // nghttp2 takes a non-const pointer but only reads the input.
    const ssize_t used =
        nghttp2_hd_inflate_hd2(inflater_, &field, &inflate_flags, in, left, last ? 1 : 0);
    if (used < 0) {
      return std::string("HPACK: ") + nghttp2_strerror(static_cast<int>(used));
    }
    in += used;
    left -= static_cast<size_t>(used);
    if (inflate_flags & NGHTTP2_HD_INFLATE_EMIT) {
      fields.emplace_back(std::string(reinterpret_cast<const char*>(field.name), field.namelen),
                          std::string(reinterpret_cast<const char*>(field.value), field.valuelen));
    }
    if (inflate_flags & NGHTTP2_HD_INFLATE_FINAL) {
      nghttp2_hd_inflate_end_headers(inflater_);
      return std::nullopt;
    }
    if (!(inflate_flags & NGHTTP2_HD_INFLATE_EMIT) && left == 0) {
      if (last) return "HPACK: the header block ends in the middle of a field";
      return std::nullopt;  // the block goes on in a CONTINUATION
    }
  }
}

void HpackInflater::SetMaxTableSize(uint32_t bytes) {
  nghttp2_hd_inflate_change_table_size(inflater_, bytes);
}

}  // namespace greeter::wire
