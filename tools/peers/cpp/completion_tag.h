#pragma once

namespace greeter::reference {

// What a completion-queue tag points at: the operation of one call that has completed. A call
// owns one tag per kind of operation it starts, so reads and writes in flight together are told
// apart without any lookup.
class CompletionTag {
 public:
  virtual void OnComplete(bool ok) = 0;

 protected:
  ~CompletionTag() = default;
};

// A tag that forwards to one member function of its call.
template <typename Call>
class MemberTag final : public CompletionTag {
 public:
  using Handler = void (Call::*)(bool ok);
  MemberTag(Call* call, Handler handler) : call_(call), handler_(handler) {}
  void OnComplete(bool ok) override { (call_->*handler_)(ok); }

 private:
  Call* call_;
  Handler handler_;
};

}  // namespace greeter::reference
