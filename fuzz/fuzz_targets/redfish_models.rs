#![no_main]
use hermes_ilo::models::{parse, Bios, ComputerSystem, Manager};
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = parse::<ComputerSystem>("fuzz", "/redfish/v1/Systems/1", data);
    let _ = parse::<Manager>("fuzz", "/redfish/v1/Managers/1", data);
    let _ = parse::<Bios>("fuzz", "/redfish/v1/Systems/1/Bios", data);
});
