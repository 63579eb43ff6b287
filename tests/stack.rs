//! Stack: a profiled call takes at most 512 bytes more than the same
//! function unprofiled in a release build, and 1 KiB in a debug build,
//! whatever its length, its number of `return`s or of match arms; and the
//! first profiled call of a process fits on a thread of 16 KiB of stack.
//! Its own binary and harness: that first call must be this process's first.

#[path = "common/child.rs"]
mod child;

use std::hint::black_box;

memprof::install!();

/// The address of a local of a function called from the caller: just
/// below the caller's frame.
#[inline(never)]
fn stack_pointer() -> usize {
    let marker = 0u8;
    black_box(&marker) as *const u8 as usize
}

// Each shape twice, as written and profiled; each returns the stack pointer
// seen from inside it, and its value.

#[inline(never)]
fn one(mut x: u64) -> (usize, u64) {
    let inside = stack_pointer();
    x = x.wrapping_add(1);
    (inside, x)
}

#[inline(never)]
#[memprof::profile]
fn one_profiled(mut x: u64) -> (usize, u64) {
    let inside = stack_pointer();
    x = x.wrapping_add(1);
    (inside, x)
}

#[inline(never)]
fn fifty(mut x: u64) -> (usize, u64) {
    let inside = stack_pointer();
    x = x.rotate_left(1).wrapping_add(0);
    x = x.rotate_left(2).wrapping_add(1);
    x = x.rotate_left(3).wrapping_add(2);
    x = x.rotate_left(4).wrapping_add(3);
    x = x.rotate_left(5).wrapping_add(4);
    x = x.rotate_left(6).wrapping_add(5);
    x = x.rotate_left(7).wrapping_add(6);
    x = x.rotate_left(8).wrapping_add(7);
    x = x.rotate_left(9).wrapping_add(8);
    x = x.rotate_left(10).wrapping_add(9);
    x = x.rotate_left(11).wrapping_add(10);
    x = x.rotate_left(12).wrapping_add(11);
    x = x.rotate_left(13).wrapping_add(12);
    x = x.rotate_left(14).wrapping_add(13);
    x = x.rotate_left(15).wrapping_add(14);
    x = x.rotate_left(16).wrapping_add(15);
    x = x.rotate_left(17).wrapping_add(16);
    x = x.rotate_left(18).wrapping_add(17);
    x = x.rotate_left(19).wrapping_add(18);
    x = x.rotate_left(20).wrapping_add(19);
    x = x.rotate_left(21).wrapping_add(20);
    x = x.rotate_left(22).wrapping_add(21);
    x = x.rotate_left(23).wrapping_add(22);
    x = x.rotate_left(24).wrapping_add(23);
    x = x.rotate_left(25).wrapping_add(24);
    x = x.rotate_left(26).wrapping_add(25);
    x = x.rotate_left(27).wrapping_add(26);
    x = x.rotate_left(28).wrapping_add(27);
    x = x.rotate_left(29).wrapping_add(28);
    x = x.rotate_left(30).wrapping_add(29);
    x = x.rotate_left(31).wrapping_add(30);
    x = x.rotate_left(32).wrapping_add(31);
    x = x.rotate_left(33).wrapping_add(32);
    x = x.rotate_left(34).wrapping_add(33);
    x = x.rotate_left(35).wrapping_add(34);
    x = x.rotate_left(36).wrapping_add(35);
    x = x.rotate_left(37).wrapping_add(36);
    x = x.rotate_left(38).wrapping_add(37);
    x = x.rotate_left(39).wrapping_add(38);
    x = x.rotate_left(40).wrapping_add(39);
    x = x.rotate_left(41).wrapping_add(40);
    x = x.rotate_left(42).wrapping_add(41);
    x = x.rotate_left(43).wrapping_add(42);
    x = x.rotate_left(44).wrapping_add(43);
    x = x.rotate_left(45).wrapping_add(44);
    x = x.rotate_left(46).wrapping_add(45);
    x = x.rotate_left(47).wrapping_add(46);
    x = x.rotate_left(48).wrapping_add(47);
    x = x.rotate_left(49).wrapping_add(48);
    x = x.rotate_left(50).wrapping_add(49);
    (inside, x)
}

#[inline(never)]
#[memprof::profile]
fn fifty_profiled(mut x: u64) -> (usize, u64) {
    let inside = stack_pointer();
    x = x.rotate_left(1).wrapping_add(0);
    x = x.rotate_left(2).wrapping_add(1);
    x = x.rotate_left(3).wrapping_add(2);
    x = x.rotate_left(4).wrapping_add(3);
    x = x.rotate_left(5).wrapping_add(4);
    x = x.rotate_left(6).wrapping_add(5);
    x = x.rotate_left(7).wrapping_add(6);
    x = x.rotate_left(8).wrapping_add(7);
    x = x.rotate_left(9).wrapping_add(8);
    x = x.rotate_left(10).wrapping_add(9);
    x = x.rotate_left(11).wrapping_add(10);
    x = x.rotate_left(12).wrapping_add(11);
    x = x.rotate_left(13).wrapping_add(12);
    x = x.rotate_left(14).wrapping_add(13);
    x = x.rotate_left(15).wrapping_add(14);
    x = x.rotate_left(16).wrapping_add(15);
    x = x.rotate_left(17).wrapping_add(16);
    x = x.rotate_left(18).wrapping_add(17);
    x = x.rotate_left(19).wrapping_add(18);
    x = x.rotate_left(20).wrapping_add(19);
    x = x.rotate_left(21).wrapping_add(20);
    x = x.rotate_left(22).wrapping_add(21);
    x = x.rotate_left(23).wrapping_add(22);
    x = x.rotate_left(24).wrapping_add(23);
    x = x.rotate_left(25).wrapping_add(24);
    x = x.rotate_left(26).wrapping_add(25);
    x = x.rotate_left(27).wrapping_add(26);
    x = x.rotate_left(28).wrapping_add(27);
    x = x.rotate_left(29).wrapping_add(28);
    x = x.rotate_left(30).wrapping_add(29);
    x = x.rotate_left(31).wrapping_add(30);
    x = x.rotate_left(32).wrapping_add(31);
    x = x.rotate_left(33).wrapping_add(32);
    x = x.rotate_left(34).wrapping_add(33);
    x = x.rotate_left(35).wrapping_add(34);
    x = x.rotate_left(36).wrapping_add(35);
    x = x.rotate_left(37).wrapping_add(36);
    x = x.rotate_left(38).wrapping_add(37);
    x = x.rotate_left(39).wrapping_add(38);
    x = x.rotate_left(40).wrapping_add(39);
    x = x.rotate_left(41).wrapping_add(40);
    x = x.rotate_left(42).wrapping_add(41);
    x = x.rotate_left(43).wrapping_add(42);
    x = x.rotate_left(44).wrapping_add(43);
    x = x.rotate_left(45).wrapping_add(44);
    x = x.rotate_left(46).wrapping_add(45);
    x = x.rotate_left(47).wrapping_add(46);
    x = x.rotate_left(48).wrapping_add(47);
    x = x.rotate_left(49).wrapping_add(48);
    x = x.rotate_left(50).wrapping_add(49);
    (inside, x)
}

#[inline(never)]
fn two_hundred(mut x: u64) -> (usize, u64) {
    let inside = stack_pointer();
    x = x.rotate_left(1).wrapping_add(0);
    x = x.rotate_left(2).wrapping_add(1);
    x = x.rotate_left(3).wrapping_add(2);
    x = x.rotate_left(4).wrapping_add(3);
    x = x.rotate_left(5).wrapping_add(4);
    x = x.rotate_left(6).wrapping_add(5);
    x = x.rotate_left(7).wrapping_add(6);
    x = x.rotate_left(8).wrapping_add(7);
    x = x.rotate_left(9).wrapping_add(8);
    x = x.rotate_left(10).wrapping_add(9);
    x = x.rotate_left(11).wrapping_add(10);
    x = x.rotate_left(12).wrapping_add(11);
    x = x.rotate_left(13).wrapping_add(12);
    x = x.rotate_left(14).wrapping_add(13);
    x = x.rotate_left(15).wrapping_add(14);
    x = x.rotate_left(16).wrapping_add(15);
    x = x.rotate_left(17).wrapping_add(16);
    x = x.rotate_left(18).wrapping_add(17);
    x = x.rotate_left(19).wrapping_add(18);
    x = x.rotate_left(20).wrapping_add(19);
    x = x.rotate_left(21).wrapping_add(20);
    x = x.rotate_left(22).wrapping_add(21);
    x = x.rotate_left(23).wrapping_add(22);
    x = x.rotate_left(24).wrapping_add(23);
    x = x.rotate_left(25).wrapping_add(24);
    x = x.rotate_left(26).wrapping_add(25);
    x = x.rotate_left(27).wrapping_add(26);
    x = x.rotate_left(28).wrapping_add(27);
    x = x.rotate_left(29).wrapping_add(28);
    x = x.rotate_left(30).wrapping_add(29);
    x = x.rotate_left(31).wrapping_add(30);
    x = x.rotate_left(32).wrapping_add(31);
    x = x.rotate_left(33).wrapping_add(32);
    x = x.rotate_left(34).wrapping_add(33);
    x = x.rotate_left(35).wrapping_add(34);
    x = x.rotate_left(36).wrapping_add(35);
    x = x.rotate_left(37).wrapping_add(36);
    x = x.rotate_left(38).wrapping_add(37);
    x = x.rotate_left(39).wrapping_add(38);
    x = x.rotate_left(40).wrapping_add(39);
    x = x.rotate_left(41).wrapping_add(40);
    x = x.rotate_left(42).wrapping_add(41);
    x = x.rotate_left(43).wrapping_add(42);
    x = x.rotate_left(44).wrapping_add(43);
    x = x.rotate_left(45).wrapping_add(44);
    x = x.rotate_left(46).wrapping_add(45);
    x = x.rotate_left(47).wrapping_add(46);
    x = x.rotate_left(48).wrapping_add(47);
    x = x.rotate_left(49).wrapping_add(48);
    x = x.rotate_left(50).wrapping_add(49);
    x = x.rotate_left(51).wrapping_add(50);
    x = x.rotate_left(52).wrapping_add(51);
    x = x.rotate_left(53).wrapping_add(52);
    x = x.rotate_left(54).wrapping_add(53);
    x = x.rotate_left(55).wrapping_add(54);
    x = x.rotate_left(56).wrapping_add(55);
    x = x.rotate_left(57).wrapping_add(56);
    x = x.rotate_left(58).wrapping_add(57);
    x = x.rotate_left(59).wrapping_add(58);
    x = x.rotate_left(60).wrapping_add(59);
    x = x.rotate_left(61).wrapping_add(60);
    x = x.rotate_left(62).wrapping_add(61);
    x = x.rotate_left(63).wrapping_add(62);
    x = x.rotate_left(1).wrapping_add(63);
    x = x.rotate_left(2).wrapping_add(64);
    x = x.rotate_left(3).wrapping_add(65);
    x = x.rotate_left(4).wrapping_add(66);
    x = x.rotate_left(5).wrapping_add(67);
    x = x.rotate_left(6).wrapping_add(68);
    x = x.rotate_left(7).wrapping_add(69);
    x = x.rotate_left(8).wrapping_add(70);
    x = x.rotate_left(9).wrapping_add(71);
    x = x.rotate_left(10).wrapping_add(72);
    x = x.rotate_left(11).wrapping_add(73);
    x = x.rotate_left(12).wrapping_add(74);
    x = x.rotate_left(13).wrapping_add(75);
    x = x.rotate_left(14).wrapping_add(76);
    x = x.rotate_left(15).wrapping_add(77);
    x = x.rotate_left(16).wrapping_add(78);
    x = x.rotate_left(17).wrapping_add(79);
    x = x.rotate_left(18).wrapping_add(80);
    x = x.rotate_left(19).wrapping_add(81);
    x = x.rotate_left(20).wrapping_add(82);
    x = x.rotate_left(21).wrapping_add(83);
    x = x.rotate_left(22).wrapping_add(84);
    x = x.rotate_left(23).wrapping_add(85);
    x = x.rotate_left(24).wrapping_add(86);
    x = x.rotate_left(25).wrapping_add(87);
    x = x.rotate_left(26).wrapping_add(88);
    x = x.rotate_left(27).wrapping_add(89);
    x = x.rotate_left(28).wrapping_add(90);
    x = x.rotate_left(29).wrapping_add(91);
    x = x.rotate_left(30).wrapping_add(92);
    x = x.rotate_left(31).wrapping_add(93);
    x = x.rotate_left(32).wrapping_add(94);
    x = x.rotate_left(33).wrapping_add(95);
    x = x.rotate_left(34).wrapping_add(96);
    x = x.rotate_left(35).wrapping_add(97);
    x = x.rotate_left(36).wrapping_add(98);
    x = x.rotate_left(37).wrapping_add(99);
    x = x.rotate_left(38).wrapping_add(100);
    x = x.rotate_left(39).wrapping_add(101);
    x = x.rotate_left(40).wrapping_add(102);
    x = x.rotate_left(41).wrapping_add(103);
    x = x.rotate_left(42).wrapping_add(104);
    x = x.rotate_left(43).wrapping_add(105);
    x = x.rotate_left(44).wrapping_add(106);
    x = x.rotate_left(45).wrapping_add(107);
    x = x.rotate_left(46).wrapping_add(108);
    x = x.rotate_left(47).wrapping_add(109);
    x = x.rotate_left(48).wrapping_add(110);
    x = x.rotate_left(49).wrapping_add(111);
    x = x.rotate_left(50).wrapping_add(112);
    x = x.rotate_left(51).wrapping_add(113);
    x = x.rotate_left(52).wrapping_add(114);
    x = x.rotate_left(53).wrapping_add(115);
    x = x.rotate_left(54).wrapping_add(116);
    x = x.rotate_left(55).wrapping_add(117);
    x = x.rotate_left(56).wrapping_add(118);
    x = x.rotate_left(57).wrapping_add(119);
    x = x.rotate_left(58).wrapping_add(120);
    x = x.rotate_left(59).wrapping_add(121);
    x = x.rotate_left(60).wrapping_add(122);
    x = x.rotate_left(61).wrapping_add(123);
    x = x.rotate_left(62).wrapping_add(124);
    x = x.rotate_left(63).wrapping_add(125);
    x = x.rotate_left(1).wrapping_add(126);
    x = x.rotate_left(2).wrapping_add(127);
    x = x.rotate_left(3).wrapping_add(128);
    x = x.rotate_left(4).wrapping_add(129);
    x = x.rotate_left(5).wrapping_add(130);
    x = x.rotate_left(6).wrapping_add(131);
    x = x.rotate_left(7).wrapping_add(132);
    x = x.rotate_left(8).wrapping_add(133);
    x = x.rotate_left(9).wrapping_add(134);
    x = x.rotate_left(10).wrapping_add(135);
    x = x.rotate_left(11).wrapping_add(136);
    x = x.rotate_left(12).wrapping_add(137);
    x = x.rotate_left(13).wrapping_add(138);
    x = x.rotate_left(14).wrapping_add(139);
    x = x.rotate_left(15).wrapping_add(140);
    x = x.rotate_left(16).wrapping_add(141);
    x = x.rotate_left(17).wrapping_add(142);
    x = x.rotate_left(18).wrapping_add(143);
    x = x.rotate_left(19).wrapping_add(144);
    x = x.rotate_left(20).wrapping_add(145);
    x = x.rotate_left(21).wrapping_add(146);
    x = x.rotate_left(22).wrapping_add(147);
    x = x.rotate_left(23).wrapping_add(148);
    x = x.rotate_left(24).wrapping_add(149);
    x = x.rotate_left(25).wrapping_add(150);
    x = x.rotate_left(26).wrapping_add(151);
    x = x.rotate_left(27).wrapping_add(152);
    x = x.rotate_left(28).wrapping_add(153);
    x = x.rotate_left(29).wrapping_add(154);
    x = x.rotate_left(30).wrapping_add(155);
    x = x.rotate_left(31).wrapping_add(156);
    x = x.rotate_left(32).wrapping_add(157);
    x = x.rotate_left(33).wrapping_add(158);
    x = x.rotate_left(34).wrapping_add(159);
    x = x.rotate_left(35).wrapping_add(160);
    x = x.rotate_left(36).wrapping_add(161);
    x = x.rotate_left(37).wrapping_add(162);
    x = x.rotate_left(38).wrapping_add(163);
    x = x.rotate_left(39).wrapping_add(164);
    x = x.rotate_left(40).wrapping_add(165);
    x = x.rotate_left(41).wrapping_add(166);
    x = x.rotate_left(42).wrapping_add(167);
    x = x.rotate_left(43).wrapping_add(168);
    x = x.rotate_left(44).wrapping_add(169);
    x = x.rotate_left(45).wrapping_add(170);
    x = x.rotate_left(46).wrapping_add(171);
    x = x.rotate_left(47).wrapping_add(172);
    x = x.rotate_left(48).wrapping_add(173);
    x = x.rotate_left(49).wrapping_add(174);
    x = x.rotate_left(50).wrapping_add(175);
    x = x.rotate_left(51).wrapping_add(176);
    x = x.rotate_left(52).wrapping_add(177);
    x = x.rotate_left(53).wrapping_add(178);
    x = x.rotate_left(54).wrapping_add(179);
    x = x.rotate_left(55).wrapping_add(180);
    x = x.rotate_left(56).wrapping_add(181);
    x = x.rotate_left(57).wrapping_add(182);
    x = x.rotate_left(58).wrapping_add(183);
    x = x.rotate_left(59).wrapping_add(184);
    x = x.rotate_left(60).wrapping_add(185);
    x = x.rotate_left(61).wrapping_add(186);
    x = x.rotate_left(62).wrapping_add(187);
    x = x.rotate_left(63).wrapping_add(188);
    x = x.rotate_left(1).wrapping_add(189);
    x = x.rotate_left(2).wrapping_add(190);
    x = x.rotate_left(3).wrapping_add(191);
    x = x.rotate_left(4).wrapping_add(192);
    x = x.rotate_left(5).wrapping_add(193);
    x = x.rotate_left(6).wrapping_add(194);
    x = x.rotate_left(7).wrapping_add(195);
    x = x.rotate_left(8).wrapping_add(196);
    x = x.rotate_left(9).wrapping_add(197);
    x = x.rotate_left(10).wrapping_add(198);
    x = x.rotate_left(11).wrapping_add(199);
    (inside, x)
}

#[inline(never)]
#[memprof::profile]
fn two_hundred_profiled(mut x: u64) -> (usize, u64) {
    let inside = stack_pointer();
    x = x.rotate_left(1).wrapping_add(0);
    x = x.rotate_left(2).wrapping_add(1);
    x = x.rotate_left(3).wrapping_add(2);
    x = x.rotate_left(4).wrapping_add(3);
    x = x.rotate_left(5).wrapping_add(4);
    x = x.rotate_left(6).wrapping_add(5);
    x = x.rotate_left(7).wrapping_add(6);
    x = x.rotate_left(8).wrapping_add(7);
    x = x.rotate_left(9).wrapping_add(8);
    x = x.rotate_left(10).wrapping_add(9);
    x = x.rotate_left(11).wrapping_add(10);
    x = x.rotate_left(12).wrapping_add(11);
    x = x.rotate_left(13).wrapping_add(12);
    x = x.rotate_left(14).wrapping_add(13);
    x = x.rotate_left(15).wrapping_add(14);
    x = x.rotate_left(16).wrapping_add(15);
    x = x.rotate_left(17).wrapping_add(16);
    x = x.rotate_left(18).wrapping_add(17);
    x = x.rotate_left(19).wrapping_add(18);
    x = x.rotate_left(20).wrapping_add(19);
    x = x.rotate_left(21).wrapping_add(20);
    x = x.rotate_left(22).wrapping_add(21);
    x = x.rotate_left(23).wrapping_add(22);
    x = x.rotate_left(24).wrapping_add(23);
    x = x.rotate_left(25).wrapping_add(24);
    x = x.rotate_left(26).wrapping_add(25);
    x = x.rotate_left(27).wrapping_add(26);
    x = x.rotate_left(28).wrapping_add(27);
    x = x.rotate_left(29).wrapping_add(28);
    x = x.rotate_left(30).wrapping_add(29);
    x = x.rotate_left(31).wrapping_add(30);
    x = x.rotate_left(32).wrapping_add(31);
    x = x.rotate_left(33).wrapping_add(32);
    x = x.rotate_left(34).wrapping_add(33);
    x = x.rotate_left(35).wrapping_add(34);
    x = x.rotate_left(36).wrapping_add(35);
    x = x.rotate_left(37).wrapping_add(36);
    x = x.rotate_left(38).wrapping_add(37);
    x = x.rotate_left(39).wrapping_add(38);
    x = x.rotate_left(40).wrapping_add(39);
    x = x.rotate_left(41).wrapping_add(40);
    x = x.rotate_left(42).wrapping_add(41);
    x = x.rotate_left(43).wrapping_add(42);
    x = x.rotate_left(44).wrapping_add(43);
    x = x.rotate_left(45).wrapping_add(44);
    x = x.rotate_left(46).wrapping_add(45);
    x = x.rotate_left(47).wrapping_add(46);
    x = x.rotate_left(48).wrapping_add(47);
    x = x.rotate_left(49).wrapping_add(48);
    x = x.rotate_left(50).wrapping_add(49);
    x = x.rotate_left(51).wrapping_add(50);
    x = x.rotate_left(52).wrapping_add(51);
    x = x.rotate_left(53).wrapping_add(52);
    x = x.rotate_left(54).wrapping_add(53);
    x = x.rotate_left(55).wrapping_add(54);
    x = x.rotate_left(56).wrapping_add(55);
    x = x.rotate_left(57).wrapping_add(56);
    x = x.rotate_left(58).wrapping_add(57);
    x = x.rotate_left(59).wrapping_add(58);
    x = x.rotate_left(60).wrapping_add(59);
    x = x.rotate_left(61).wrapping_add(60);
    x = x.rotate_left(62).wrapping_add(61);
    x = x.rotate_left(63).wrapping_add(62);
    x = x.rotate_left(1).wrapping_add(63);
    x = x.rotate_left(2).wrapping_add(64);
    x = x.rotate_left(3).wrapping_add(65);
    x = x.rotate_left(4).wrapping_add(66);
    x = x.rotate_left(5).wrapping_add(67);
    x = x.rotate_left(6).wrapping_add(68);
    x = x.rotate_left(7).wrapping_add(69);
    x = x.rotate_left(8).wrapping_add(70);
    x = x.rotate_left(9).wrapping_add(71);
    x = x.rotate_left(10).wrapping_add(72);
    x = x.rotate_left(11).wrapping_add(73);
    x = x.rotate_left(12).wrapping_add(74);
    x = x.rotate_left(13).wrapping_add(75);
    x = x.rotate_left(14).wrapping_add(76);
    x = x.rotate_left(15).wrapping_add(77);
    x = x.rotate_left(16).wrapping_add(78);
    x = x.rotate_left(17).wrapping_add(79);
    x = x.rotate_left(18).wrapping_add(80);
    x = x.rotate_left(19).wrapping_add(81);
    x = x.rotate_left(20).wrapping_add(82);
    x = x.rotate_left(21).wrapping_add(83);
    x = x.rotate_left(22).wrapping_add(84);
    x = x.rotate_left(23).wrapping_add(85);
    x = x.rotate_left(24).wrapping_add(86);
    x = x.rotate_left(25).wrapping_add(87);
    x = x.rotate_left(26).wrapping_add(88);
    x = x.rotate_left(27).wrapping_add(89);
    x = x.rotate_left(28).wrapping_add(90);
    x = x.rotate_left(29).wrapping_add(91);
    x = x.rotate_left(30).wrapping_add(92);
    x = x.rotate_left(31).wrapping_add(93);
    x = x.rotate_left(32).wrapping_add(94);
    x = x.rotate_left(33).wrapping_add(95);
    x = x.rotate_left(34).wrapping_add(96);
    x = x.rotate_left(35).wrapping_add(97);
    x = x.rotate_left(36).wrapping_add(98);
    x = x.rotate_left(37).wrapping_add(99);
    x = x.rotate_left(38).wrapping_add(100);
    x = x.rotate_left(39).wrapping_add(101);
    x = x.rotate_left(40).wrapping_add(102);
    x = x.rotate_left(41).wrapping_add(103);
    x = x.rotate_left(42).wrapping_add(104);
    x = x.rotate_left(43).wrapping_add(105);
    x = x.rotate_left(44).wrapping_add(106);
    x = x.rotate_left(45).wrapping_add(107);
    x = x.rotate_left(46).wrapping_add(108);
    x = x.rotate_left(47).wrapping_add(109);
    x = x.rotate_left(48).wrapping_add(110);
    x = x.rotate_left(49).wrapping_add(111);
    x = x.rotate_left(50).wrapping_add(112);
    x = x.rotate_left(51).wrapping_add(113);
    x = x.rotate_left(52).wrapping_add(114);
    x = x.rotate_left(53).wrapping_add(115);
    x = x.rotate_left(54).wrapping_add(116);
    x = x.rotate_left(55).wrapping_add(117);
    x = x.rotate_left(56).wrapping_add(118);
    x = x.rotate_left(57).wrapping_add(119);
    x = x.rotate_left(58).wrapping_add(120);
    x = x.rotate_left(59).wrapping_add(121);
    x = x.rotate_left(60).wrapping_add(122);
    x = x.rotate_left(61).wrapping_add(123);
    x = x.rotate_left(62).wrapping_add(124);
    x = x.rotate_left(63).wrapping_add(125);
    x = x.rotate_left(1).wrapping_add(126);
    x = x.rotate_left(2).wrapping_add(127);
    x = x.rotate_left(3).wrapping_add(128);
    x = x.rotate_left(4).wrapping_add(129);
    x = x.rotate_left(5).wrapping_add(130);
    x = x.rotate_left(6).wrapping_add(131);
    x = x.rotate_left(7).wrapping_add(132);
    x = x.rotate_left(8).wrapping_add(133);
    x = x.rotate_left(9).wrapping_add(134);
    x = x.rotate_left(10).wrapping_add(135);
    x = x.rotate_left(11).wrapping_add(136);
    x = x.rotate_left(12).wrapping_add(137);
    x = x.rotate_left(13).wrapping_add(138);
    x = x.rotate_left(14).wrapping_add(139);
    x = x.rotate_left(15).wrapping_add(140);
    x = x.rotate_left(16).wrapping_add(141);
    x = x.rotate_left(17).wrapping_add(142);
    x = x.rotate_left(18).wrapping_add(143);
    x = x.rotate_left(19).wrapping_add(144);
    x = x.rotate_left(20).wrapping_add(145);
    x = x.rotate_left(21).wrapping_add(146);
    x = x.rotate_left(22).wrapping_add(147);
    x = x.rotate_left(23).wrapping_add(148);
    x = x.rotate_left(24).wrapping_add(149);
    x = x.rotate_left(25).wrapping_add(150);
    x = x.rotate_left(26).wrapping_add(151);
    x = x.rotate_left(27).wrapping_add(152);
    x = x.rotate_left(28).wrapping_add(153);
    x = x.rotate_left(29).wrapping_add(154);
    x = x.rotate_left(30).wrapping_add(155);
    x = x.rotate_left(31).wrapping_add(156);
    x = x.rotate_left(32).wrapping_add(157);
    x = x.rotate_left(33).wrapping_add(158);
    x = x.rotate_left(34).wrapping_add(159);
    x = x.rotate_left(35).wrapping_add(160);
    x = x.rotate_left(36).wrapping_add(161);
    x = x.rotate_left(37).wrapping_add(162);
    x = x.rotate_left(38).wrapping_add(163);
    x = x.rotate_left(39).wrapping_add(164);
    x = x.rotate_left(40).wrapping_add(165);
    x = x.rotate_left(41).wrapping_add(166);
    x = x.rotate_left(42).wrapping_add(167);
    x = x.rotate_left(43).wrapping_add(168);
    x = x.rotate_left(44).wrapping_add(169);
    x = x.rotate_left(45).wrapping_add(170);
    x = x.rotate_left(46).wrapping_add(171);
    x = x.rotate_left(47).wrapping_add(172);
    x = x.rotate_left(48).wrapping_add(173);
    x = x.rotate_left(49).wrapping_add(174);
    x = x.rotate_left(50).wrapping_add(175);
    x = x.rotate_left(51).wrapping_add(176);
    x = x.rotate_left(52).wrapping_add(177);
    x = x.rotate_left(53).wrapping_add(178);
    x = x.rotate_left(54).wrapping_add(179);
    x = x.rotate_left(55).wrapping_add(180);
    x = x.rotate_left(56).wrapping_add(181);
    x = x.rotate_left(57).wrapping_add(182);
    x = x.rotate_left(58).wrapping_add(183);
    x = x.rotate_left(59).wrapping_add(184);
    x = x.rotate_left(60).wrapping_add(185);
    x = x.rotate_left(61).wrapping_add(186);
    x = x.rotate_left(62).wrapping_add(187);
    x = x.rotate_left(63).wrapping_add(188);
    x = x.rotate_left(1).wrapping_add(189);
    x = x.rotate_left(2).wrapping_add(190);
    x = x.rotate_left(3).wrapping_add(191);
    x = x.rotate_left(4).wrapping_add(192);
    x = x.rotate_left(5).wrapping_add(193);
    x = x.rotate_left(6).wrapping_add(194);
    x = x.rotate_left(7).wrapping_add(195);
    x = x.rotate_left(8).wrapping_add(196);
    x = x.rotate_left(9).wrapping_add(197);
    x = x.rotate_left(10).wrapping_add(198);
    x = x.rotate_left(11).wrapping_add(199);
    (inside, x)
}

#[inline(never)]
fn thirty_returns(x: u64) -> (usize, u64) {
    let inside = stack_pointer();
    if x == 0 {
        return (inside, 0);
    }
    if x == 1 {
        return (inside, 7);
    }
    if x == 2 {
        return (inside, 14);
    }
    if x == 3 {
        return (inside, 21);
    }
    if x == 4 {
        return (inside, 28);
    }
    if x == 5 {
        return (inside, 35);
    }
    if x == 6 {
        return (inside, 42);
    }
    if x == 7 {
        return (inside, 49);
    }
    if x == 8 {
        return (inside, 56);
    }
    if x == 9 {
        return (inside, 63);
    }
    if x == 10 {
        return (inside, 70);
    }
    if x == 11 {
        return (inside, 77);
    }
    if x == 12 {
        return (inside, 84);
    }
    if x == 13 {
        return (inside, 91);
    }
    if x == 14 {
        return (inside, 98);
    }
    if x == 15 {
        return (inside, 105);
    }
    if x == 16 {
        return (inside, 112);
    }
    if x == 17 {
        return (inside, 119);
    }
    if x == 18 {
        return (inside, 126);
    }
    if x == 19 {
        return (inside, 133);
    }
    if x == 20 {
        return (inside, 140);
    }
    if x == 21 {
        return (inside, 147);
    }
    if x == 22 {
        return (inside, 154);
    }
    if x == 23 {
        return (inside, 161);
    }
    if x == 24 {
        return (inside, 168);
    }
    if x == 25 {
        return (inside, 175);
    }
    if x == 26 {
        return (inside, 182);
    }
    if x == 27 {
        return (inside, 189);
    }
    if x == 28 {
        return (inside, 196);
    }
    if x == 29 {
        return (inside, 203);
    }
    (inside, x)
}

#[inline(never)]
#[memprof::profile]
fn thirty_returns_profiled(x: u64) -> (usize, u64) {
    let inside = stack_pointer();
    if x == 0 {
        return (inside, 0);
    }
    if x == 1 {
        return (inside, 7);
    }
    if x == 2 {
        return (inside, 14);
    }
    if x == 3 {
        return (inside, 21);
    }
    if x == 4 {
        return (inside, 28);
    }
    if x == 5 {
        return (inside, 35);
    }
    if x == 6 {
        return (inside, 42);
    }
    if x == 7 {
        return (inside, 49);
    }
    if x == 8 {
        return (inside, 56);
    }
    if x == 9 {
        return (inside, 63);
    }
    if x == 10 {
        return (inside, 70);
    }
    if x == 11 {
        return (inside, 77);
    }
    if x == 12 {
        return (inside, 84);
    }
    if x == 13 {
        return (inside, 91);
    }
    if x == 14 {
        return (inside, 98);
    }
    if x == 15 {
        return (inside, 105);
    }
    if x == 16 {
        return (inside, 112);
    }
    if x == 17 {
        return (inside, 119);
    }
    if x == 18 {
        return (inside, 126);
    }
    if x == 19 {
        return (inside, 133);
    }
    if x == 20 {
        return (inside, 140);
    }
    if x == 21 {
        return (inside, 147);
    }
    if x == 22 {
        return (inside, 154);
    }
    if x == 23 {
        return (inside, 161);
    }
    if x == 24 {
        return (inside, 168);
    }
    if x == 25 {
        return (inside, 175);
    }
    if x == 26 {
        return (inside, 182);
    }
    if x == 27 {
        return (inside, 189);
    }
    if x == 28 {
        return (inside, 196);
    }
    if x == 29 {
        return (inside, 203);
    }
    (inside, x)
}

#[inline(never)]
fn sixty_arms(mut x: u64) -> (usize, u64) {
    let inside = stack_pointer();
    x = match x {
        0 => x.wrapping_mul(3),
        1 => x.wrapping_mul(4),
        2 => x.wrapping_mul(5),
        3 => x.wrapping_mul(6),
        4 => x.wrapping_mul(7),
        5 => x.wrapping_mul(8),
        6 => x.wrapping_mul(9),
        7 => x.wrapping_mul(10),
        8 => x.wrapping_mul(11),
        9 => x.wrapping_mul(12),
        10 => x.wrapping_mul(13),
        11 => x.wrapping_mul(14),
        12 => x.wrapping_mul(15),
        13 => x.wrapping_mul(16),
        14 => x.wrapping_mul(17),
        15 => x.wrapping_mul(18),
        16 => x.wrapping_mul(19),
        17 => x.wrapping_mul(20),
        18 => x.wrapping_mul(21),
        19 => x.wrapping_mul(22),
        20 => x.wrapping_mul(23),
        21 => x.wrapping_mul(24),
        22 => x.wrapping_mul(25),
        23 => x.wrapping_mul(26),
        24 => x.wrapping_mul(27),
        25 => x.wrapping_mul(28),
        26 => x.wrapping_mul(29),
        27 => x.wrapping_mul(30),
        28 => x.wrapping_mul(31),
        29 => x.wrapping_mul(32),
        30 => x.wrapping_mul(33),
        31 => x.wrapping_mul(34),
        32 => x.wrapping_mul(35),
        33 => x.wrapping_mul(36),
        34 => x.wrapping_mul(37),
        35 => x.wrapping_mul(38),
        36 => x.wrapping_mul(39),
        37 => x.wrapping_mul(40),
        38 => x.wrapping_mul(41),
        39 => x.wrapping_mul(42),
        40 => x.wrapping_mul(43),
        41 => x.wrapping_mul(44),
        42 => x.wrapping_mul(45),
        43 => x.wrapping_mul(46),
        44 => x.wrapping_mul(47),
        45 => x.wrapping_mul(48),
        46 => x.wrapping_mul(49),
        47 => x.wrapping_mul(50),
        48 => x.wrapping_mul(51),
        49 => x.wrapping_mul(52),
        50 => x.wrapping_mul(53),
        51 => x.wrapping_mul(54),
        52 => x.wrapping_mul(55),
        53 => x.wrapping_mul(56),
        54 => x.wrapping_mul(57),
        55 => x.wrapping_mul(58),
        56 => x.wrapping_mul(59),
        57 => x.wrapping_mul(60),
        58 => x.wrapping_mul(61),
        59 => x.wrapping_mul(62),
        _ => x.wrapping_sub(1),
    };
    (inside, x)
}

#[inline(never)]
#[memprof::profile]
fn sixty_arms_profiled(mut x: u64) -> (usize, u64) {
    let inside = stack_pointer();
    x = match x {
        0 => x.wrapping_mul(3),
        1 => x.wrapping_mul(4),
        2 => x.wrapping_mul(5),
        3 => x.wrapping_mul(6),
        4 => x.wrapping_mul(7),
        5 => x.wrapping_mul(8),
        6 => x.wrapping_mul(9),
        7 => x.wrapping_mul(10),
        8 => x.wrapping_mul(11),
        9 => x.wrapping_mul(12),
        10 => x.wrapping_mul(13),
        11 => x.wrapping_mul(14),
        12 => x.wrapping_mul(15),
        13 => x.wrapping_mul(16),
        14 => x.wrapping_mul(17),
        15 => x.wrapping_mul(18),
        16 => x.wrapping_mul(19),
        17 => x.wrapping_mul(20),
        18 => x.wrapping_mul(21),
        19 => x.wrapping_mul(22),
        20 => x.wrapping_mul(23),
        21 => x.wrapping_mul(24),
        22 => x.wrapping_mul(25),
        23 => x.wrapping_mul(26),
        24 => x.wrapping_mul(27),
        25 => x.wrapping_mul(28),
        26 => x.wrapping_mul(29),
        27 => x.wrapping_mul(30),
        28 => x.wrapping_mul(31),
        29 => x.wrapping_mul(32),
        30 => x.wrapping_mul(33),
        31 => x.wrapping_mul(34),
        32 => x.wrapping_mul(35),
        33 => x.wrapping_mul(36),
        34 => x.wrapping_mul(37),
        35 => x.wrapping_mul(38),
        36 => x.wrapping_mul(39),
        37 => x.wrapping_mul(40),
        38 => x.wrapping_mul(41),
        39 => x.wrapping_mul(42),
        40 => x.wrapping_mul(43),
        41 => x.wrapping_mul(44),
        42 => x.wrapping_mul(45),
        43 => x.wrapping_mul(46),
        44 => x.wrapping_mul(47),
        45 => x.wrapping_mul(48),
        46 => x.wrapping_mul(49),
        47 => x.wrapping_mul(50),
        48 => x.wrapping_mul(51),
        49 => x.wrapping_mul(52),
        50 => x.wrapping_mul(53),
        51 => x.wrapping_mul(54),
        52 => x.wrapping_mul(55),
        53 => x.wrapping_mul(56),
        54 => x.wrapping_mul(57),
        55 => x.wrapping_mul(58),
        56 => x.wrapping_mul(59),
        57 => x.wrapping_mul(60),
        58 => x.wrapping_mul(61),
        59 => x.wrapping_mul(62),
        _ => x.wrapping_sub(1),
    };
    (inside, x)
}

// The same shapes in a function that already drops something (a
// `String`), as most functions do.

#[inline(never)]
fn one_dropping(mut x: u64) -> (usize, u64) {
    let name = String::new();
    let inside = stack_pointer();
    x = x.wrapping_add(1);
    (inside + name.len(), x)
}

#[inline(never)]
#[memprof::profile]
fn one_dropping_profiled(mut x: u64) -> (usize, u64) {
    let name = String::new();
    let inside = stack_pointer();
    x = x.wrapping_add(1);
    (inside + name.len(), x)
}

#[inline(never)]
fn fifty_dropping(mut x: u64) -> (usize, u64) {
    let name = String::new();
    let inside = stack_pointer();
    x = x.rotate_left(1).wrapping_add(0);
    x = x.rotate_left(2).wrapping_add(1);
    x = x.rotate_left(3).wrapping_add(2);
    x = x.rotate_left(4).wrapping_add(3);
    x = x.rotate_left(5).wrapping_add(4);
    x = x.rotate_left(6).wrapping_add(5);
    x = x.rotate_left(7).wrapping_add(6);
    x = x.rotate_left(8).wrapping_add(7);
    x = x.rotate_left(9).wrapping_add(8);
    x = x.rotate_left(10).wrapping_add(9);
    x = x.rotate_left(11).wrapping_add(10);
    x = x.rotate_left(12).wrapping_add(11);
    x = x.rotate_left(13).wrapping_add(12);
    x = x.rotate_left(14).wrapping_add(13);
    x = x.rotate_left(15).wrapping_add(14);
    x = x.rotate_left(16).wrapping_add(15);
    x = x.rotate_left(17).wrapping_add(16);
    x = x.rotate_left(18).wrapping_add(17);
    x = x.rotate_left(19).wrapping_add(18);
    x = x.rotate_left(20).wrapping_add(19);
    x = x.rotate_left(21).wrapping_add(20);
    x = x.rotate_left(22).wrapping_add(21);
    x = x.rotate_left(23).wrapping_add(22);
    x = x.rotate_left(24).wrapping_add(23);
    x = x.rotate_left(25).wrapping_add(24);
    x = x.rotate_left(26).wrapping_add(25);
    x = x.rotate_left(27).wrapping_add(26);
    x = x.rotate_left(28).wrapping_add(27);
    x = x.rotate_left(29).wrapping_add(28);
    x = x.rotate_left(30).wrapping_add(29);
    x = x.rotate_left(31).wrapping_add(30);
    x = x.rotate_left(32).wrapping_add(31);
    x = x.rotate_left(33).wrapping_add(32);
    x = x.rotate_left(34).wrapping_add(33);
    x = x.rotate_left(35).wrapping_add(34);
    x = x.rotate_left(36).wrapping_add(35);
    x = x.rotate_left(37).wrapping_add(36);
    x = x.rotate_left(38).wrapping_add(37);
    x = x.rotate_left(39).wrapping_add(38);
    x = x.rotate_left(40).wrapping_add(39);
    x = x.rotate_left(41).wrapping_add(40);
    x = x.rotate_left(42).wrapping_add(41);
    x = x.rotate_left(43).wrapping_add(42);
    x = x.rotate_left(44).wrapping_add(43);
    x = x.rotate_left(45).wrapping_add(44);
    x = x.rotate_left(46).wrapping_add(45);
    x = x.rotate_left(47).wrapping_add(46);
    x = x.rotate_left(48).wrapping_add(47);
    x = x.rotate_left(49).wrapping_add(48);
    x = x.rotate_left(50).wrapping_add(49);
    (inside + name.len(), x)
}

#[inline(never)]
#[memprof::profile]
fn fifty_dropping_profiled(mut x: u64) -> (usize, u64) {
    let name = String::new();
    let inside = stack_pointer();
    x = x.rotate_left(1).wrapping_add(0);
    x = x.rotate_left(2).wrapping_add(1);
    x = x.rotate_left(3).wrapping_add(2);
    x = x.rotate_left(4).wrapping_add(3);
    x = x.rotate_left(5).wrapping_add(4);
    x = x.rotate_left(6).wrapping_add(5);
    x = x.rotate_left(7).wrapping_add(6);
    x = x.rotate_left(8).wrapping_add(7);
    x = x.rotate_left(9).wrapping_add(8);
    x = x.rotate_left(10).wrapping_add(9);
    x = x.rotate_left(11).wrapping_add(10);
    x = x.rotate_left(12).wrapping_add(11);
    x = x.rotate_left(13).wrapping_add(12);
    x = x.rotate_left(14).wrapping_add(13);
    x = x.rotate_left(15).wrapping_add(14);
    x = x.rotate_left(16).wrapping_add(15);
    x = x.rotate_left(17).wrapping_add(16);
    x = x.rotate_left(18).wrapping_add(17);
    x = x.rotate_left(19).wrapping_add(18);
    x = x.rotate_left(20).wrapping_add(19);
    x = x.rotate_left(21).wrapping_add(20);
    x = x.rotate_left(22).wrapping_add(21);
    x = x.rotate_left(23).wrapping_add(22);
    x = x.rotate_left(24).wrapping_add(23);
    x = x.rotate_left(25).wrapping_add(24);
    x = x.rotate_left(26).wrapping_add(25);
    x = x.rotate_left(27).wrapping_add(26);
    x = x.rotate_left(28).wrapping_add(27);
    x = x.rotate_left(29).wrapping_add(28);
    x = x.rotate_left(30).wrapping_add(29);
    x = x.rotate_left(31).wrapping_add(30);
    x = x.rotate_left(32).wrapping_add(31);
    x = x.rotate_left(33).wrapping_add(32);
    x = x.rotate_left(34).wrapping_add(33);
    x = x.rotate_left(35).wrapping_add(34);
    x = x.rotate_left(36).wrapping_add(35);
    x = x.rotate_left(37).wrapping_add(36);
    x = x.rotate_left(38).wrapping_add(37);
    x = x.rotate_left(39).wrapping_add(38);
    x = x.rotate_left(40).wrapping_add(39);
    x = x.rotate_left(41).wrapping_add(40);
    x = x.rotate_left(42).wrapping_add(41);
    x = x.rotate_left(43).wrapping_add(42);
    x = x.rotate_left(44).wrapping_add(43);
    x = x.rotate_left(45).wrapping_add(44);
    x = x.rotate_left(46).wrapping_add(45);
    x = x.rotate_left(47).wrapping_add(46);
    x = x.rotate_left(48).wrapping_add(47);
    x = x.rotate_left(49).wrapping_add(48);
    x = x.rotate_left(50).wrapping_add(49);
    (inside + name.len(), x)
}

#[inline(never)]
fn two_hundred_dropping(mut x: u64) -> (usize, u64) {
    let name = String::new();
    let inside = stack_pointer();
    x = x.rotate_left(1).wrapping_add(0);
    x = x.rotate_left(2).wrapping_add(1);
    x = x.rotate_left(3).wrapping_add(2);
    x = x.rotate_left(4).wrapping_add(3);
    x = x.rotate_left(5).wrapping_add(4);
    x = x.rotate_left(6).wrapping_add(5);
    x = x.rotate_left(7).wrapping_add(6);
    x = x.rotate_left(8).wrapping_add(7);
    x = x.rotate_left(9).wrapping_add(8);
    x = x.rotate_left(10).wrapping_add(9);
    x = x.rotate_left(11).wrapping_add(10);
    x = x.rotate_left(12).wrapping_add(11);
    x = x.rotate_left(13).wrapping_add(12);
    x = x.rotate_left(14).wrapping_add(13);
    x = x.rotate_left(15).wrapping_add(14);
    x = x.rotate_left(16).wrapping_add(15);
    x = x.rotate_left(17).wrapping_add(16);
    x = x.rotate_left(18).wrapping_add(17);
    x = x.rotate_left(19).wrapping_add(18);
    x = x.rotate_left(20).wrapping_add(19);
    x = x.rotate_left(21).wrapping_add(20);
    x = x.rotate_left(22).wrapping_add(21);
    x = x.rotate_left(23).wrapping_add(22);
    x = x.rotate_left(24).wrapping_add(23);
    x = x.rotate_left(25).wrapping_add(24);
    x = x.rotate_left(26).wrapping_add(25);
    x = x.rotate_left(27).wrapping_add(26);
    x = x.rotate_left(28).wrapping_add(27);
    x = x.rotate_left(29).wrapping_add(28);
    x = x.rotate_left(30).wrapping_add(29);
    x = x.rotate_left(31).wrapping_add(30);
    x = x.rotate_left(32).wrapping_add(31);
    x = x.rotate_left(33).wrapping_add(32);
    x = x.rotate_left(34).wrapping_add(33);
    x = x.rotate_left(35).wrapping_add(34);
    x = x.rotate_left(36).wrapping_add(35);
    x = x.rotate_left(37).wrapping_add(36);
    x = x.rotate_left(38).wrapping_add(37);
    x = x.rotate_left(39).wrapping_add(38);
    x = x.rotate_left(40).wrapping_add(39);
    x = x.rotate_left(41).wrapping_add(40);
    x = x.rotate_left(42).wrapping_add(41);
    x = x.rotate_left(43).wrapping_add(42);
    x = x.rotate_left(44).wrapping_add(43);
    x = x.rotate_left(45).wrapping_add(44);
    x = x.rotate_left(46).wrapping_add(45);
    x = x.rotate_left(47).wrapping_add(46);
    x = x.rotate_left(48).wrapping_add(47);
    x = x.rotate_left(49).wrapping_add(48);
    x = x.rotate_left(50).wrapping_add(49);
    x = x.rotate_left(51).wrapping_add(50);
    x = x.rotate_left(52).wrapping_add(51);
    x = x.rotate_left(53).wrapping_add(52);
    x = x.rotate_left(54).wrapping_add(53);
    x = x.rotate_left(55).wrapping_add(54);
    x = x.rotate_left(56).wrapping_add(55);
    x = x.rotate_left(57).wrapping_add(56);
    x = x.rotate_left(58).wrapping_add(57);
    x = x.rotate_left(59).wrapping_add(58);
    x = x.rotate_left(60).wrapping_add(59);
    x = x.rotate_left(61).wrapping_add(60);
    x = x.rotate_left(62).wrapping_add(61);
    x = x.rotate_left(63).wrapping_add(62);
    x = x.rotate_left(1).wrapping_add(63);
    x = x.rotate_left(2).wrapping_add(64);
    x = x.rotate_left(3).wrapping_add(65);
    x = x.rotate_left(4).wrapping_add(66);
    x = x.rotate_left(5).wrapping_add(67);
    x = x.rotate_left(6).wrapping_add(68);
    x = x.rotate_left(7).wrapping_add(69);
    x = x.rotate_left(8).wrapping_add(70);
    x = x.rotate_left(9).wrapping_add(71);
    x = x.rotate_left(10).wrapping_add(72);
    x = x.rotate_left(11).wrapping_add(73);
    x = x.rotate_left(12).wrapping_add(74);
    x = x.rotate_left(13).wrapping_add(75);
    x = x.rotate_left(14).wrapping_add(76);
    x = x.rotate_left(15).wrapping_add(77);
    x = x.rotate_left(16).wrapping_add(78);
    x = x.rotate_left(17).wrapping_add(79);
    x = x.rotate_left(18).wrapping_add(80);
    x = x.rotate_left(19).wrapping_add(81);
    x = x.rotate_left(20).wrapping_add(82);
    x = x.rotate_left(21).wrapping_add(83);
    x = x.rotate_left(22).wrapping_add(84);
    x = x.rotate_left(23).wrapping_add(85);
    x = x.rotate_left(24).wrapping_add(86);
    x = x.rotate_left(25).wrapping_add(87);
    x = x.rotate_left(26).wrapping_add(88);
    x = x.rotate_left(27).wrapping_add(89);
    x = x.rotate_left(28).wrapping_add(90);
    x = x.rotate_left(29).wrapping_add(91);
    x = x.rotate_left(30).wrapping_add(92);
    x = x.rotate_left(31).wrapping_add(93);
    x = x.rotate_left(32).wrapping_add(94);
    x = x.rotate_left(33).wrapping_add(95);
    x = x.rotate_left(34).wrapping_add(96);
    x = x.rotate_left(35).wrapping_add(97);
    x = x.rotate_left(36).wrapping_add(98);
    x = x.rotate_left(37).wrapping_add(99);
    x = x.rotate_left(38).wrapping_add(100);
    x = x.rotate_left(39).wrapping_add(101);
    x = x.rotate_left(40).wrapping_add(102);
    x = x.rotate_left(41).wrapping_add(103);
    x = x.rotate_left(42).wrapping_add(104);
    x = x.rotate_left(43).wrapping_add(105);
    x = x.rotate_left(44).wrapping_add(106);
    x = x.rotate_left(45).wrapping_add(107);
    x = x.rotate_left(46).wrapping_add(108);
    x = x.rotate_left(47).wrapping_add(109);
    x = x.rotate_left(48).wrapping_add(110);
    x = x.rotate_left(49).wrapping_add(111);
    x = x.rotate_left(50).wrapping_add(112);
    x = x.rotate_left(51).wrapping_add(113);
    x = x.rotate_left(52).wrapping_add(114);
    x = x.rotate_left(53).wrapping_add(115);
    x = x.rotate_left(54).wrapping_add(116);
    x = x.rotate_left(55).wrapping_add(117);
    x = x.rotate_left(56).wrapping_add(118);
    x = x.rotate_left(57).wrapping_add(119);
    x = x.rotate_left(58).wrapping_add(120);
    x = x.rotate_left(59).wrapping_add(121);
    x = x.rotate_left(60).wrapping_add(122);
    x = x.rotate_left(61).wrapping_add(123);
    x = x.rotate_left(62).wrapping_add(124);
    x = x.rotate_left(63).wrapping_add(125);
    x = x.rotate_left(1).wrapping_add(126);
    x = x.rotate_left(2).wrapping_add(127);
    x = x.rotate_left(3).wrapping_add(128);
    x = x.rotate_left(4).wrapping_add(129);
    x = x.rotate_left(5).wrapping_add(130);
    x = x.rotate_left(6).wrapping_add(131);
    x = x.rotate_left(7).wrapping_add(132);
    x = x.rotate_left(8).wrapping_add(133);
    x = x.rotate_left(9).wrapping_add(134);
    x = x.rotate_left(10).wrapping_add(135);
    x = x.rotate_left(11).wrapping_add(136);
    x = x.rotate_left(12).wrapping_add(137);
    x = x.rotate_left(13).wrapping_add(138);
    x = x.rotate_left(14).wrapping_add(139);
    x = x.rotate_left(15).wrapping_add(140);
    x = x.rotate_left(16).wrapping_add(141);
    x = x.rotate_left(17).wrapping_add(142);
    x = x.rotate_left(18).wrapping_add(143);
    x = x.rotate_left(19).wrapping_add(144);
    x = x.rotate_left(20).wrapping_add(145);
    x = x.rotate_left(21).wrapping_add(146);
    x = x.rotate_left(22).wrapping_add(147);
    x = x.rotate_left(23).wrapping_add(148);
    x = x.rotate_left(24).wrapping_add(149);
    x = x.rotate_left(25).wrapping_add(150);
    x = x.rotate_left(26).wrapping_add(151);
    x = x.rotate_left(27).wrapping_add(152);
    x = x.rotate_left(28).wrapping_add(153);
    x = x.rotate_left(29).wrapping_add(154);
    x = x.rotate_left(30).wrapping_add(155);
    x = x.rotate_left(31).wrapping_add(156);
    x = x.rotate_left(32).wrapping_add(157);
    x = x.rotate_left(33).wrapping_add(158);
    x = x.rotate_left(34).wrapping_add(159);
    x = x.rotate_left(35).wrapping_add(160);
    x = x.rotate_left(36).wrapping_add(161);
    x = x.rotate_left(37).wrapping_add(162);
    x = x.rotate_left(38).wrapping_add(163);
    x = x.rotate_left(39).wrapping_add(164);
    x = x.rotate_left(40).wrapping_add(165);
    x = x.rotate_left(41).wrapping_add(166);
    x = x.rotate_left(42).wrapping_add(167);
    x = x.rotate_left(43).wrapping_add(168);
    x = x.rotate_left(44).wrapping_add(169);
    x = x.rotate_left(45).wrapping_add(170);
    x = x.rotate_left(46).wrapping_add(171);
    x = x.rotate_left(47).wrapping_add(172);
    x = x.rotate_left(48).wrapping_add(173);
    x = x.rotate_left(49).wrapping_add(174);
    x = x.rotate_left(50).wrapping_add(175);
    x = x.rotate_left(51).wrapping_add(176);
    x = x.rotate_left(52).wrapping_add(177);
    x = x.rotate_left(53).wrapping_add(178);
    x = x.rotate_left(54).wrapping_add(179);
    x = x.rotate_left(55).wrapping_add(180);
    x = x.rotate_left(56).wrapping_add(181);
    x = x.rotate_left(57).wrapping_add(182);
    x = x.rotate_left(58).wrapping_add(183);
    x = x.rotate_left(59).wrapping_add(184);
    x = x.rotate_left(60).wrapping_add(185);
    x = x.rotate_left(61).wrapping_add(186);
    x = x.rotate_left(62).wrapping_add(187);
    x = x.rotate_left(63).wrapping_add(188);
    x = x.rotate_left(1).wrapping_add(189);
    x = x.rotate_left(2).wrapping_add(190);
    x = x.rotate_left(3).wrapping_add(191);
    x = x.rotate_left(4).wrapping_add(192);
    x = x.rotate_left(5).wrapping_add(193);
    x = x.rotate_left(6).wrapping_add(194);
    x = x.rotate_left(7).wrapping_add(195);
    x = x.rotate_left(8).wrapping_add(196);
    x = x.rotate_left(9).wrapping_add(197);
    x = x.rotate_left(10).wrapping_add(198);
    x = x.rotate_left(11).wrapping_add(199);
    (inside + name.len(), x)
}

#[inline(never)]
#[memprof::profile]
fn two_hundred_dropping_profiled(mut x: u64) -> (usize, u64) {
    let name = String::new();
    let inside = stack_pointer();
    x = x.rotate_left(1).wrapping_add(0);
    x = x.rotate_left(2).wrapping_add(1);
    x = x.rotate_left(3).wrapping_add(2);
    x = x.rotate_left(4).wrapping_add(3);
    x = x.rotate_left(5).wrapping_add(4);
    x = x.rotate_left(6).wrapping_add(5);
    x = x.rotate_left(7).wrapping_add(6);
    x = x.rotate_left(8).wrapping_add(7);
    x = x.rotate_left(9).wrapping_add(8);
    x = x.rotate_left(10).wrapping_add(9);
    x = x.rotate_left(11).wrapping_add(10);
    x = x.rotate_left(12).wrapping_add(11);
    x = x.rotate_left(13).wrapping_add(12);
    x = x.rotate_left(14).wrapping_add(13);
    x = x.rotate_left(15).wrapping_add(14);
    x = x.rotate_left(16).wrapping_add(15);
    x = x.rotate_left(17).wrapping_add(16);
    x = x.rotate_left(18).wrapping_add(17);
    x = x.rotate_left(19).wrapping_add(18);
    x = x.rotate_left(20).wrapping_add(19);
    x = x.rotate_left(21).wrapping_add(20);
    x = x.rotate_left(22).wrapping_add(21);
    x = x.rotate_left(23).wrapping_add(22);
    x = x.rotate_left(24).wrapping_add(23);
    x = x.rotate_left(25).wrapping_add(24);
    x = x.rotate_left(26).wrapping_add(25);
    x = x.rotate_left(27).wrapping_add(26);
    x = x.rotate_left(28).wrapping_add(27);
    x = x.rotate_left(29).wrapping_add(28);
    x = x.rotate_left(30).wrapping_add(29);
    x = x.rotate_left(31).wrapping_add(30);
    x = x.rotate_left(32).wrapping_add(31);
    x = x.rotate_left(33).wrapping_add(32);
    x = x.rotate_left(34).wrapping_add(33);
    x = x.rotate_left(35).wrapping_add(34);
    x = x.rotate_left(36).wrapping_add(35);
    x = x.rotate_left(37).wrapping_add(36);
    x = x.rotate_left(38).wrapping_add(37);
    x = x.rotate_left(39).wrapping_add(38);
    x = x.rotate_left(40).wrapping_add(39);
    x = x.rotate_left(41).wrapping_add(40);
    x = x.rotate_left(42).wrapping_add(41);
    x = x.rotate_left(43).wrapping_add(42);
    x = x.rotate_left(44).wrapping_add(43);
    x = x.rotate_left(45).wrapping_add(44);
    x = x.rotate_left(46).wrapping_add(45);
    x = x.rotate_left(47).wrapping_add(46);
    x = x.rotate_left(48).wrapping_add(47);
    x = x.rotate_left(49).wrapping_add(48);
    x = x.rotate_left(50).wrapping_add(49);
    x = x.rotate_left(51).wrapping_add(50);
    x = x.rotate_left(52).wrapping_add(51);
    x = x.rotate_left(53).wrapping_add(52);
    x = x.rotate_left(54).wrapping_add(53);
    x = x.rotate_left(55).wrapping_add(54);
    x = x.rotate_left(56).wrapping_add(55);
    x = x.rotate_left(57).wrapping_add(56);
    x = x.rotate_left(58).wrapping_add(57);
    x = x.rotate_left(59).wrapping_add(58);
    x = x.rotate_left(60).wrapping_add(59);
    x = x.rotate_left(61).wrapping_add(60);
    x = x.rotate_left(62).wrapping_add(61);
    x = x.rotate_left(63).wrapping_add(62);
    x = x.rotate_left(1).wrapping_add(63);
    x = x.rotate_left(2).wrapping_add(64);
    x = x.rotate_left(3).wrapping_add(65);
    x = x.rotate_left(4).wrapping_add(66);
    x = x.rotate_left(5).wrapping_add(67);
    x = x.rotate_left(6).wrapping_add(68);
    x = x.rotate_left(7).wrapping_add(69);
    x = x.rotate_left(8).wrapping_add(70);
    x = x.rotate_left(9).wrapping_add(71);
    x = x.rotate_left(10).wrapping_add(72);
    x = x.rotate_left(11).wrapping_add(73);
    x = x.rotate_left(12).wrapping_add(74);
    x = x.rotate_left(13).wrapping_add(75);
    x = x.rotate_left(14).wrapping_add(76);
    x = x.rotate_left(15).wrapping_add(77);
    x = x.rotate_left(16).wrapping_add(78);
    x = x.rotate_left(17).wrapping_add(79);
    x = x.rotate_left(18).wrapping_add(80);
    x = x.rotate_left(19).wrapping_add(81);
    x = x.rotate_left(20).wrapping_add(82);
    x = x.rotate_left(21).wrapping_add(83);
    x = x.rotate_left(22).wrapping_add(84);
    x = x.rotate_left(23).wrapping_add(85);
    x = x.rotate_left(24).wrapping_add(86);
    x = x.rotate_left(25).wrapping_add(87);
    x = x.rotate_left(26).wrapping_add(88);
    x = x.rotate_left(27).wrapping_add(89);
    x = x.rotate_left(28).wrapping_add(90);
    x = x.rotate_left(29).wrapping_add(91);
    x = x.rotate_left(30).wrapping_add(92);
    x = x.rotate_left(31).wrapping_add(93);
    x = x.rotate_left(32).wrapping_add(94);
    x = x.rotate_left(33).wrapping_add(95);
    x = x.rotate_left(34).wrapping_add(96);
    x = x.rotate_left(35).wrapping_add(97);
    x = x.rotate_left(36).wrapping_add(98);
    x = x.rotate_left(37).wrapping_add(99);
    x = x.rotate_left(38).wrapping_add(100);
    x = x.rotate_left(39).wrapping_add(101);
    x = x.rotate_left(40).wrapping_add(102);
    x = x.rotate_left(41).wrapping_add(103);
    x = x.rotate_left(42).wrapping_add(104);
    x = x.rotate_left(43).wrapping_add(105);
    x = x.rotate_left(44).wrapping_add(106);
    x = x.rotate_left(45).wrapping_add(107);
    x = x.rotate_left(46).wrapping_add(108);
    x = x.rotate_left(47).wrapping_add(109);
    x = x.rotate_left(48).wrapping_add(110);
    x = x.rotate_left(49).wrapping_add(111);
    x = x.rotate_left(50).wrapping_add(112);
    x = x.rotate_left(51).wrapping_add(113);
    x = x.rotate_left(52).wrapping_add(114);
    x = x.rotate_left(53).wrapping_add(115);
    x = x.rotate_left(54).wrapping_add(116);
    x = x.rotate_left(55).wrapping_add(117);
    x = x.rotate_left(56).wrapping_add(118);
    x = x.rotate_left(57).wrapping_add(119);
    x = x.rotate_left(58).wrapping_add(120);
    x = x.rotate_left(59).wrapping_add(121);
    x = x.rotate_left(60).wrapping_add(122);
    x = x.rotate_left(61).wrapping_add(123);
    x = x.rotate_left(62).wrapping_add(124);
    x = x.rotate_left(63).wrapping_add(125);
    x = x.rotate_left(1).wrapping_add(126);
    x = x.rotate_left(2).wrapping_add(127);
    x = x.rotate_left(3).wrapping_add(128);
    x = x.rotate_left(4).wrapping_add(129);
    x = x.rotate_left(5).wrapping_add(130);
    x = x.rotate_left(6).wrapping_add(131);
    x = x.rotate_left(7).wrapping_add(132);
    x = x.rotate_left(8).wrapping_add(133);
    x = x.rotate_left(9).wrapping_add(134);
    x = x.rotate_left(10).wrapping_add(135);
    x = x.rotate_left(11).wrapping_add(136);
    x = x.rotate_left(12).wrapping_add(137);
    x = x.rotate_left(13).wrapping_add(138);
    x = x.rotate_left(14).wrapping_add(139);
    x = x.rotate_left(15).wrapping_add(140);
    x = x.rotate_left(16).wrapping_add(141);
    x = x.rotate_left(17).wrapping_add(142);
    x = x.rotate_left(18).wrapping_add(143);
    x = x.rotate_left(19).wrapping_add(144);
    x = x.rotate_left(20).wrapping_add(145);
    x = x.rotate_left(21).wrapping_add(146);
    x = x.rotate_left(22).wrapping_add(147);
    x = x.rotate_left(23).wrapping_add(148);
    x = x.rotate_left(24).wrapping_add(149);
    x = x.rotate_left(25).wrapping_add(150);
    x = x.rotate_left(26).wrapping_add(151);
    x = x.rotate_left(27).wrapping_add(152);
    x = x.rotate_left(28).wrapping_add(153);
    x = x.rotate_left(29).wrapping_add(154);
    x = x.rotate_left(30).wrapping_add(155);
    x = x.rotate_left(31).wrapping_add(156);
    x = x.rotate_left(32).wrapping_add(157);
    x = x.rotate_left(33).wrapping_add(158);
    x = x.rotate_left(34).wrapping_add(159);
    x = x.rotate_left(35).wrapping_add(160);
    x = x.rotate_left(36).wrapping_add(161);
    x = x.rotate_left(37).wrapping_add(162);
    x = x.rotate_left(38).wrapping_add(163);
    x = x.rotate_left(39).wrapping_add(164);
    x = x.rotate_left(40).wrapping_add(165);
    x = x.rotate_left(41).wrapping_add(166);
    x = x.rotate_left(42).wrapping_add(167);
    x = x.rotate_left(43).wrapping_add(168);
    x = x.rotate_left(44).wrapping_add(169);
    x = x.rotate_left(45).wrapping_add(170);
    x = x.rotate_left(46).wrapping_add(171);
    x = x.rotate_left(47).wrapping_add(172);
    x = x.rotate_left(48).wrapping_add(173);
    x = x.rotate_left(49).wrapping_add(174);
    x = x.rotate_left(50).wrapping_add(175);
    x = x.rotate_left(51).wrapping_add(176);
    x = x.rotate_left(52).wrapping_add(177);
    x = x.rotate_left(53).wrapping_add(178);
    x = x.rotate_left(54).wrapping_add(179);
    x = x.rotate_left(55).wrapping_add(180);
    x = x.rotate_left(56).wrapping_add(181);
    x = x.rotate_left(57).wrapping_add(182);
    x = x.rotate_left(58).wrapping_add(183);
    x = x.rotate_left(59).wrapping_add(184);
    x = x.rotate_left(60).wrapping_add(185);
    x = x.rotate_left(61).wrapping_add(186);
    x = x.rotate_left(62).wrapping_add(187);
    x = x.rotate_left(63).wrapping_add(188);
    x = x.rotate_left(1).wrapping_add(189);
    x = x.rotate_left(2).wrapping_add(190);
    x = x.rotate_left(3).wrapping_add(191);
    x = x.rotate_left(4).wrapping_add(192);
    x = x.rotate_left(5).wrapping_add(193);
    x = x.rotate_left(6).wrapping_add(194);
    x = x.rotate_left(7).wrapping_add(195);
    x = x.rotate_left(8).wrapping_add(196);
    x = x.rotate_left(9).wrapping_add(197);
    x = x.rotate_left(10).wrapping_add(198);
    x = x.rotate_left(11).wrapping_add(199);
    (inside + name.len(), x)
}

#[inline(never)]
fn thirty_returns_dropping(x: u64) -> (usize, u64) {
    let name = String::new();
    let inside = stack_pointer();
    if x == 0 {
        return (inside + name.len(), 0);
    }
    if x == 1 {
        return (inside + name.len(), 7);
    }
    if x == 2 {
        return (inside + name.len(), 14);
    }
    if x == 3 {
        return (inside + name.len(), 21);
    }
    if x == 4 {
        return (inside + name.len(), 28);
    }
    if x == 5 {
        return (inside + name.len(), 35);
    }
    if x == 6 {
        return (inside + name.len(), 42);
    }
    if x == 7 {
        return (inside + name.len(), 49);
    }
    if x == 8 {
        return (inside + name.len(), 56);
    }
    if x == 9 {
        return (inside + name.len(), 63);
    }
    if x == 10 {
        return (inside + name.len(), 70);
    }
    if x == 11 {
        return (inside + name.len(), 77);
    }
    if x == 12 {
        return (inside + name.len(), 84);
    }
    if x == 13 {
        return (inside + name.len(), 91);
    }
    if x == 14 {
        return (inside + name.len(), 98);
    }
    if x == 15 {
        return (inside + name.len(), 105);
    }
    if x == 16 {
        return (inside + name.len(), 112);
    }
    if x == 17 {
        return (inside + name.len(), 119);
    }
    if x == 18 {
        return (inside + name.len(), 126);
    }
    if x == 19 {
        return (inside + name.len(), 133);
    }
    if x == 20 {
        return (inside + name.len(), 140);
    }
    if x == 21 {
        return (inside + name.len(), 147);
    }
    if x == 22 {
        return (inside + name.len(), 154);
    }
    if x == 23 {
        return (inside + name.len(), 161);
    }
    if x == 24 {
        return (inside + name.len(), 168);
    }
    if x == 25 {
        return (inside + name.len(), 175);
    }
    if x == 26 {
        return (inside + name.len(), 182);
    }
    if x == 27 {
        return (inside + name.len(), 189);
    }
    if x == 28 {
        return (inside + name.len(), 196);
    }
    if x == 29 {
        return (inside + name.len(), 203);
    }
    (inside + name.len(), x)
}

#[inline(never)]
#[memprof::profile]
fn thirty_returns_dropping_profiled(x: u64) -> (usize, u64) {
    let name = String::new();
    let inside = stack_pointer();
    if x == 0 {
        return (inside + name.len(), 0);
    }
    if x == 1 {
        return (inside + name.len(), 7);
    }
    if x == 2 {
        return (inside + name.len(), 14);
    }
    if x == 3 {
        return (inside + name.len(), 21);
    }
    if x == 4 {
        return (inside + name.len(), 28);
    }
    if x == 5 {
        return (inside + name.len(), 35);
    }
    if x == 6 {
        return (inside + name.len(), 42);
    }
    if x == 7 {
        return (inside + name.len(), 49);
    }
    if x == 8 {
        return (inside + name.len(), 56);
    }
    if x == 9 {
        return (inside + name.len(), 63);
    }
    if x == 10 {
        return (inside + name.len(), 70);
    }
    if x == 11 {
        return (inside + name.len(), 77);
    }
    if x == 12 {
        return (inside + name.len(), 84);
    }
    if x == 13 {
        return (inside + name.len(), 91);
    }
    if x == 14 {
        return (inside + name.len(), 98);
    }
    if x == 15 {
        return (inside + name.len(), 105);
    }
    if x == 16 {
        return (inside + name.len(), 112);
    }
    if x == 17 {
        return (inside + name.len(), 119);
    }
    if x == 18 {
        return (inside + name.len(), 126);
    }
    if x == 19 {
        return (inside + name.len(), 133);
    }
    if x == 20 {
        return (inside + name.len(), 140);
    }
    if x == 21 {
        return (inside + name.len(), 147);
    }
    if x == 22 {
        return (inside + name.len(), 154);
    }
    if x == 23 {
        return (inside + name.len(), 161);
    }
    if x == 24 {
        return (inside + name.len(), 168);
    }
    if x == 25 {
        return (inside + name.len(), 175);
    }
    if x == 26 {
        return (inside + name.len(), 182);
    }
    if x == 27 {
        return (inside + name.len(), 189);
    }
    if x == 28 {
        return (inside + name.len(), 196);
    }
    if x == 29 {
        return (inside + name.len(), 203);
    }
    (inside + name.len(), x)
}

#[inline(never)]
fn sixty_arms_dropping(mut x: u64) -> (usize, u64) {
    let name = String::new();
    let inside = stack_pointer();
    x = match x {
        0 => x.wrapping_mul(3),
        1 => x.wrapping_mul(4),
        2 => x.wrapping_mul(5),
        3 => x.wrapping_mul(6),
        4 => x.wrapping_mul(7),
        5 => x.wrapping_mul(8),
        6 => x.wrapping_mul(9),
        7 => x.wrapping_mul(10),
        8 => x.wrapping_mul(11),
        9 => x.wrapping_mul(12),
        10 => x.wrapping_mul(13),
        11 => x.wrapping_mul(14),
        12 => x.wrapping_mul(15),
        13 => x.wrapping_mul(16),
        14 => x.wrapping_mul(17),
        15 => x.wrapping_mul(18),
        16 => x.wrapping_mul(19),
        17 => x.wrapping_mul(20),
        18 => x.wrapping_mul(21),
        19 => x.wrapping_mul(22),
        20 => x.wrapping_mul(23),
        21 => x.wrapping_mul(24),
        22 => x.wrapping_mul(25),
        23 => x.wrapping_mul(26),
        24 => x.wrapping_mul(27),
        25 => x.wrapping_mul(28),
        26 => x.wrapping_mul(29),
        27 => x.wrapping_mul(30),
        28 => x.wrapping_mul(31),
        29 => x.wrapping_mul(32),
        30 => x.wrapping_mul(33),
        31 => x.wrapping_mul(34),
        32 => x.wrapping_mul(35),
        33 => x.wrapping_mul(36),
        34 => x.wrapping_mul(37),
        35 => x.wrapping_mul(38),
        36 => x.wrapping_mul(39),
        37 => x.wrapping_mul(40),
        38 => x.wrapping_mul(41),
        39 => x.wrapping_mul(42),
        40 => x.wrapping_mul(43),
        41 => x.wrapping_mul(44),
        42 => x.wrapping_mul(45),
        43 => x.wrapping_mul(46),
        44 => x.wrapping_mul(47),
        45 => x.wrapping_mul(48),
        46 => x.wrapping_mul(49),
        47 => x.wrapping_mul(50),
        48 => x.wrapping_mul(51),
        49 => x.wrapping_mul(52),
        50 => x.wrapping_mul(53),
        51 => x.wrapping_mul(54),
        52 => x.wrapping_mul(55),
        53 => x.wrapping_mul(56),
        54 => x.wrapping_mul(57),
        55 => x.wrapping_mul(58),
        56 => x.wrapping_mul(59),
        57 => x.wrapping_mul(60),
        58 => x.wrapping_mul(61),
        59 => x.wrapping_mul(62),
        _ => x.wrapping_sub(1),
    };
    (inside + name.len(), x)
}

#[inline(never)]
#[memprof::profile]
fn sixty_arms_dropping_profiled(mut x: u64) -> (usize, u64) {
    let name = String::new();
    let inside = stack_pointer();
    x = match x {
        0 => x.wrapping_mul(3),
        1 => x.wrapping_mul(4),
        2 => x.wrapping_mul(5),
        3 => x.wrapping_mul(6),
        4 => x.wrapping_mul(7),
        5 => x.wrapping_mul(8),
        6 => x.wrapping_mul(9),
        7 => x.wrapping_mul(10),
        8 => x.wrapping_mul(11),
        9 => x.wrapping_mul(12),
        10 => x.wrapping_mul(13),
        11 => x.wrapping_mul(14),
        12 => x.wrapping_mul(15),
        13 => x.wrapping_mul(16),
        14 => x.wrapping_mul(17),
        15 => x.wrapping_mul(18),
        16 => x.wrapping_mul(19),
        17 => x.wrapping_mul(20),
        18 => x.wrapping_mul(21),
        19 => x.wrapping_mul(22),
        20 => x.wrapping_mul(23),
        21 => x.wrapping_mul(24),
        22 => x.wrapping_mul(25),
        23 => x.wrapping_mul(26),
        24 => x.wrapping_mul(27),
        25 => x.wrapping_mul(28),
        26 => x.wrapping_mul(29),
        27 => x.wrapping_mul(30),
        28 => x.wrapping_mul(31),
        29 => x.wrapping_mul(32),
        30 => x.wrapping_mul(33),
        31 => x.wrapping_mul(34),
        32 => x.wrapping_mul(35),
        33 => x.wrapping_mul(36),
        34 => x.wrapping_mul(37),
        35 => x.wrapping_mul(38),
        36 => x.wrapping_mul(39),
        37 => x.wrapping_mul(40),
        38 => x.wrapping_mul(41),
        39 => x.wrapping_mul(42),
        40 => x.wrapping_mul(43),
        41 => x.wrapping_mul(44),
        42 => x.wrapping_mul(45),
        43 => x.wrapping_mul(46),
        44 => x.wrapping_mul(47),
        45 => x.wrapping_mul(48),
        46 => x.wrapping_mul(49),
        47 => x.wrapping_mul(50),
        48 => x.wrapping_mul(51),
        49 => x.wrapping_mul(52),
        50 => x.wrapping_mul(53),
        51 => x.wrapping_mul(54),
        52 => x.wrapping_mul(55),
        53 => x.wrapping_mul(56),
        54 => x.wrapping_mul(57),
        55 => x.wrapping_mul(58),
        56 => x.wrapping_mul(59),
        57 => x.wrapping_mul(60),
        58 => x.wrapping_mul(61),
        59 => x.wrapping_mul(62),
        _ => x.wrapping_sub(1),
    };
    (inside + name.len(), x)
}
/// The most a profiled call may add to the stack.
const LIMIT: usize = if cfg!(debug_assertions) { 1024 } else { 512 };

/// The stack a call of `f` takes: from just below the caller's frame to
/// just below its own.
fn frame(f: fn(u64) -> (usize, u64), x: u64) -> (usize, u64) {
    let base = stack_pointer();
    let (inside, value) = f(black_box(x));
    (base - inside, value)
}

fn extra_stack_is_bounded() {
    type Shape = (
        &'static str,
        fn(u64) -> (usize, u64),
        fn(u64) -> (usize, u64),
    );
    let shapes: [Shape; 10] = [
        ("1 statement", one, one_profiled),
        ("50 statements", fifty, fifty_profiled),
        ("200 statements", two_hundred, two_hundred_profiled),
        ("30 returns", thirty_returns, thirty_returns_profiled),
        ("60 match arms", sixty_arms, sixty_arms_profiled),
        ("1 statement, a String", one_dropping, one_dropping_profiled),
        (
            "50 statements, a String",
            fifty_dropping,
            fifty_dropping_profiled,
        ),
        (
            "200 statements, a String",
            two_hundred_dropping,
            two_hundred_dropping_profiled,
        ),
        (
            "30 returns, a String",
            thirty_returns_dropping,
            thirty_returns_dropping_profiled,
        ),
        (
            "60 match arms, a String",
            sixty_arms_dropping,
            sixty_arms_dropping_profiled,
        ),
    ];
    for (shape, plain, profiled) in shapes {
        for x in [0, 29, 1000] {
            let (plain_frame, plain_value) = frame(plain, x);
            let (profiled_frame, profiled_value) = frame(profiled, x);
            assert_eq!(plain_value, profiled_value, "{shape}");
            let extra = profiled_frame.saturating_sub(plain_frame);
            if x == 0 {
                println!(
                    "{shape}: {plain_frame} B as written, {profiled_frame} B profiled (+{extra} B)"
                );
            }
            assert!(
                extra <= LIMIT,
                "{shape}: +{extra} B of stack, over {LIMIT} B"
            );
        }
    }
}

fn first_call_fits_on_a_small_stack() {
    // The process's first profiled call (settings read, exit report
    // arranged, the thread's tables made) and the next ones, on a thread of
    // the smallest stack the system allows for a thread.
    let sums = std::thread::Builder::new()
        .stack_size(16 * 1024)
        .spawn(|| {
            let mut sum = 0u64;
            for x in 0..3 {
                let values = [
                    one_profiled(x).1,
                    fifty_profiled(x).1,
                    sixty_arms_profiled(x).1,
                ];
                sum = values.iter().fold(sum, |s, v| s.wrapping_add(*v));
            }
            sum
        })
        .unwrap()
        .join()
        .unwrap();
    assert_ne!(sums, 0);
    let report = memprof::report();
    assert_eq!(report.function("fifty_profiled").unwrap().calls, 3);
}

fn main() {
    child::run_checks(&[
        // First: it must make this process's first profiled call.
        (
            "the_first_profiled_call_fits_on_a_16_kib_stack",
            first_call_fits_on_a_small_stack,
        ),
        (
            "a_profiled_call_adds_a_bounded_amount_of_stack",
            extra_stack_is_bounded,
        ),
    ]);
}
