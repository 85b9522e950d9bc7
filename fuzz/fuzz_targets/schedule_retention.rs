#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(s) = hermes_core::Schedule::parse_utc(text) {
            let _ = s.upcoming(&chrono::Utc::now(), 2);
        }
        let _ = text.parse::<hermes_core::RetentionPolicy>();
    }
});
