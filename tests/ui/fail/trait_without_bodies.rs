#[memprof::profile]
trait Store {
    fn get(&self) -> u32;
    fn put(&mut self, value: u32);
}

fn main() {}
