#include "sim/scenario.h"

#include <gtest/gtest.h>

using namespace armsim::sim;

TEST(ConsoleChecks, ExpectationsInAnyOrder) {
    ConsoleChecks c({"^b$", "a+"}, {"panic"}, {});
    EXPECT_FALSE(c.line("xaay"));
    EXPECT_NE(c.failure(), "");
    EXPECT_FALSE(c.line("b"));
    EXPECT_EQ(c.failure(), "");
    EXPECT_EQ(c.summary(), "2/2 expected patterns matched, no forbidden line");
}

TEST(ConsoleChecks, ForbiddenLineFails) {
    ConsoleChecks c({"ok"}, {"panic|BUG"}, {});
    c.line("ok");
    EXPECT_FALSE(c.forbidden_seen());
    c.line("kernel BUG at x");
    EXPECT_TRUE(c.forbidden_seen());
    EXPECT_NE(c.failure().find("kernel BUG at x"), std::string::npos) << c.failure();
}

TEST(ConsoleChecks, MissingExpectationsAreNamed) {
    ConsoleChecks c({"first", "second", "third"}, {}, {});
    c.line("second");
    EXPECT_EQ(c.failure(), "no console line matched /first/ (and 1 more expected pattern)");
}

TEST(ConsoleChecks, StopOn) {
    ConsoleChecks c({}, {}, {"^all done$"});
    EXPECT_TRUE(c.active());
    EXPECT_FALSE(c.has_checks());
    EXPECT_FALSE(c.line("not all done"));
    EXPECT_TRUE(c.line("all done"));
}
