#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = hermes_vsphere::soap::decode("fuzz", "RetrievePropertiesEx", data);
});
