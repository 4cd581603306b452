// Trace emissions of the core (exceptions taken and returned; its interrupt lines are
// reported by the GIC that drives them) and the writers (Chrome JSON, VCD).
#include "core_harness.h"
#include "models/trace/chrome_json.h"
#include "models/trace/trace.h"
#include "models/trace/vcd.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <vector>

using namespace armsim;

namespace {

struct Event {
    std::string kind, track, category, name;
    std::vector<std::pair<std::string, uint64_t>> args;
    bool level = false;
};

struct Capture : trace::Sink {
    std::vector<Event> events;
    void instant(uint64_t, std::string_view track, std::string_view cat, std::string_view name,
                 std::initializer_list<trace::Arg> args) override {
        Event e{"instant", std::string(track), std::string(cat), std::string(name), {}};
        for (const auto& a : args)
            e.args.emplace_back(std::string(a.key), a.value);
        events.push_back(e);
    }
    void begin(uint64_t, std::string_view, std::string_view) override {}
    void end(uint64_t, std::string_view, std::string_view) override {}
    void signal(uint64_t, std::string_view wire, bool level) override {
        events.push_back({"signal", "", "", std::string(wire), {}, level});
    }
};

uint64_t arg(const Event& e, const char* key) {
    for (const auto& [k, v] : e.args)
        if (k == key) return v;
    return ~0ull;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string temp(const char* name) {
    return (std::filesystem::temp_directory_path() /
            (std::string("armsim_trace_") + std::to_string(::getpid()) + name))
        .string();
}

} // namespace

TEST(Trace, ExceptionsAndReturnsAreReported) {
    test::CoreHarness h;
    Capture cap;
    trace::set_sink(&cap);
    h.run({0xd4000021}); // SVC #1 at EL2: taken to EL2
    h.core.sysreg_ref(cpu::SysReg::ELR_EL2) = test::CoreHarness::kCode + 0x100;
    h.core.sysreg_ref(cpu::SysReg::SPSR_EL2) = 0x3c5; // EL1h, DAIF masked
    h.run({0xd69f03e0});                              // ERET to EL1
    trace::set_sink(nullptr);
    ASSERT_EQ(cap.events.size(), 2u);
    const Event& exc = cap.events[0];
    EXPECT_EQ(exc.track, "core0");
    EXPECT_EQ(exc.category, "exception");
    EXPECT_EQ(exc.name, "sync");
    EXPECT_EQ(arg(exc, "ec"), 0x15u); // SVC from AArch64
    EXPECT_EQ(arg(exc, "from_el"), 2u);
    EXPECT_EQ(arg(exc, "to_el"), 2u);
    const Event& ret = cap.events[1];
    EXPECT_EQ(ret.name, "eret");
    EXPECT_EQ(arg(ret, "to_el"), 1u);
    EXPECT_EQ(arg(ret, "pc"), test::CoreHarness::kCode + 0x100);
}

TEST(Trace, ChromeJsonIsWellFormed) {
    const std::string path = temp("t.json");
    {
        trace::ChromeJsonSink s(path);
        s.instant(1'234'567, "core0", "exception", "sync", {{"ec", 0x16}, {"to_el", 2}});
        s.instant(5, "uart0", "console", "a \"quoted\" \\ line\x01");
        s.signal(2'000'000, "gic.irq0", true);
        s.begin(10, "core1", "EL1");
        s.end(20, "core1", "EL1");
        EXPECT_EQ(s.events(), 5u);
    }
    const std::string j = slurp(path);
    EXPECT_EQ(j.rfind("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", 0), 0u);
    EXPECT_NE(j.find("\"ts\":1.234567"), std::string::npos) << j; // microseconds
    EXPECT_NE(j.find("\"ec\":\"0x16\""), std::string::npos) << j;
    EXPECT_NE(j.find("\"to_el\":2"), std::string::npos) << j;
    EXPECT_NE(j.find("a \\\"quoted\\\" \\\\ line\\u0001"), std::string::npos) << j;
    EXPECT_NE(j.find("\"ph\":\"C\""), std::string::npos);
    EXPECT_NE(j.find("\"name\":\"thread_name\""), std::string::npos);
    EXPECT_EQ(j.substr(j.size() - 4), "\n]}\n");
    // Brackets and braces balance outside strings.
    int depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < j.size(); ++i) {
        const char c = j[i];
        if (in_str) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            --depth;
            EXPECT_GE(depth, 0);
        }
    }
    EXPECT_EQ(depth, 0);
    std::filesystem::remove(path);
}

TEST(Trace, VcdSortsChangesAndDeclaresScopes) {
    const std::string path = temp("t.vcd");
    {
        trace::VcdSink s(path);
        s.signal(500, "core1.irq", true); // a core running ahead reports first
        s.signal(100, "core0.irq", true);
        s.signal(100, "uart0.intr", true);
        s.signal(900, "core0.irq", false);
        s.instant(1, "core0", "x", "ignored", {});
    }
    const std::string v = slurp(path);
    EXPECT_NE(v.find("$timescale 1ps $end"), std::string::npos);
    EXPECT_NE(v.find("$scope module core0 $end\n$var wire 1 "), std::string::npos) << v;
    EXPECT_NE(v.find(" irq $end"), std::string::npos);
    EXPECT_NE(v.find("$scope module uart0 $end"), std::string::npos);
    const size_t t100 = v.find("#100\n"), t500 = v.find("#500\n"), t900 = v.find("#900\n");
    ASSERT_NE(t100, std::string::npos) << v;
    EXPECT_LT(t100, t500);
    EXPECT_LT(t500, t900);
    std::filesystem::remove(path);
}

TEST(Trace, WritersRefuseUnwritablePaths) {
    EXPECT_THROW(trace::ChromeJsonSink("/nonexistent-dir/t.json"), std::runtime_error);
    EXPECT_THROW(trace::VcdSink("/nonexistent-dir/t.vcd"), std::runtime_error);
}
