#include "common/utf8.h"

#include <gtest/gtest.h>

namespace greeter {
namespace {

TEST(FirstNonUtf8Byte, AcceptsUtf8OfEveryLength) {
  for (const char* text : {"", "Alice", "Zoë", "世界", "🙂 grin", "\x7f", "\xf4\x8f\xbf\xbf"}) {
    EXPECT_EQ(FirstNonUtf8Byte(text), std::nullopt) << text;
  }
}

TEST(FirstNonUtf8Byte, FindsTheFirstByteOfWhatProtobufWouldRefuse) {
  EXPECT_EQ(FirstNonUtf8Byte("ab\xff"
                             "cd"),
            2u);
  EXPECT_EQ(FirstNonUtf8Byte("\xc3"), 0u);              // cut short
  EXPECT_EQ(FirstNonUtf8Byte("a\xc3(b"), 1u);           // a bad continuation byte
  EXPECT_EQ(FirstNonUtf8Byte("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(FirstNonUtf8Byte("\xe0\x80\xaf"), 0u);      // overlong, three bytes
  EXPECT_EQ(FirstNonUtf8Byte("ok\xed\xa0\x80"), 2u);    // a surrogate, U+D800
  EXPECT_EQ(FirstNonUtf8Byte("\xf4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(FirstNonUtf8Byte("Zo\xc3\xab\x80"), 4u);    // a stray continuation byte
}

TEST(Utf8Problem, NamesTheFieldTheByteAndItsValue) {
  EXPECT_EQ(Utf8Problem("name",
                        "ab\xff"
                        "cd"),
            "name: not valid UTF-8 at byte 3 (0xff)");
  EXPECT_EQ(Utf8Problem("name", "Zoë"), std::nullopt);
}

}  // namespace
}  // namespace greeter
