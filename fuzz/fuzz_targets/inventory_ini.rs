#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(inv) = hermes_core::Inventory::parse_ini(text, "fuzz.ini") {
            let _ = inv.hosts();
            let _ = inv.select("all:!ungrouped");
        }
    }
});
