// libsystemc.so references sc_main; the unit tests run under gtest's main instead.
extern "C" int sc_main(int, char*[]) {
    return 0;
}
