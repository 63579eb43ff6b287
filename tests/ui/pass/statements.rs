// Every kind of statement and nested block the probes go into, with
// warnings denied: the generated code adds none.
#![deny(warnings)]

memprof::install!();

#[derive(Debug)]
enum Shape {
    Circle(f64),
    Square(f64),
    Empty,
}

#[memprof::profile]
fn statements(shapes: &[Shape], limit: usize) -> Result<Vec<String>, std::num::ParseIntError> {
    let mut out = Vec::new();
    let parsed: usize = "12".parse()?;
    'outer: for (i, shape) in shapes.iter().enumerate() {
        let text = match shape {
            Shape::Circle(r) => {
                let area = 3.14 * r * r;
                format!("circle {area:.1}")
            }
            Shape::Square(s) => format!("square {}", s * s),
            Shape::Empty => continue 'outer,
        };
        if i >= limit {
            break;
        } else if text.len() > 100 {
            unreachable!();
        } else {
            out.push(text);
        }
    }
    let Some(first) = out.first().cloned() else {
        return Ok(Vec::new());
    };
    let labeled = 'block: {
        if first.is_empty() {
            break 'block 0;
        }
        first.len()
    };
    let sum = unsafe {
        let p: *const usize = &labeled;
        *p
    };
    let doubled = (|x: usize| {
        let y = x * 2;
        y
    })(sum);
    fn nested_item(x: usize) -> usize {
        x + 1
    }
    const N: usize = {
        let base = 2;
        base + 1
    };
    let arr = [0u8; { N * 2 }];
    let inline = const { 4 * 2 };
    let mut i = 0;
    while i < arr.len() {
        i += 1;
    }
    let mut v = vec![1, 2, 3];
    while let Some(x) = v.pop() {
        if x == 2 {
            continue;
        }
    }
    let r = loop {
        i += 1;
        if i > 10 {
            break i;
        }
    };
    println!("{} {} {} {} {}", parsed, nested_item(doubled), inline, r, arr.len());
    Ok(out)
}

fn main() {
    let shapes = [Shape::Circle(1.0), Shape::Empty, Shape::Square(2.0)];
    let out = statements(&shapes, 10).unwrap();
    assert_eq!(out, ["circle 3.1", "square 4"]);
    assert!(statements(&[], 1).unwrap().is_empty());
    let report = memprof::report();
    assert_eq!(report.function("statements").unwrap().calls, 2);
}
