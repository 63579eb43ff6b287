fn main() {
    let double = #[memprof::profile] |x| x * 2;
    let _: u32 = double(2);
}
