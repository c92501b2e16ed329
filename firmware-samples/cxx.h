/*
 * cxx's classes (cxx.cc, cxx_ops.cc): stages of a pipeline run through their base class.
 */
#ifndef FW_CXX_H
#define FW_CXX_H

#include <stdint.h>

namespace pipeline {

class Stage {
  public:
    explicit Stage(const char *name) : name_(name) {}
    virtual ~Stage() {}
    virtual uint32_t run(uint32_t x) = 0;
    const char *name() const { return name_; }

  private:
    const char *name_;
};

class Scale : public Stage {
  public:
    explicit Scale(uint32_t k) : Stage("scale"), k_(k) {}
    uint32_t run(uint32_t x) override;

  private:
    uint32_t k_;
};

class Mix : public Stage {
  public:
    explicit Mix(uint32_t rounds_) : Stage("mix"), rounds(rounds_) {}
    uint32_t run(uint32_t x) override;

  private:
    uint32_t rounds;
};

} // namespace pipeline

#endif
