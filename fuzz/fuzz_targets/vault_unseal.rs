#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = hermes_core::vault::Vault::unseal(text, &hermes_core::Secret::new("fuzz passphrase"), "fuzz.vault");
    }
});
