//! Consensus before serving: the RPC's threads run at a lower CPU priority (a higher nice
//! value) than block production, so on a busy machine API work (queries, searches, CheckTx)
//! cannot stretch block intervals by taking an equal share of the cores.

/// How many nice levels below block production the RPC's threads run. At +5 a busy RPC thread
/// weighs about a third of the block producer's thread in Linux's scheduler.
pub const RPC_NICENESS: i32 = 5;

/// Lowers the calling thread's CPU priority by [`RPC_NICENESS`], for the RPC runtime's
/// `on_thread_start` (threads it spawns later inherit the value). Raising a nice value needs no
/// privilege; elsewhere than Linux, where it would apply to the whole process, it does nothing.
pub fn lower_rpc_thread() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on the calling thread's id; no memory is shared with them.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        *libc::__errno_location() = 0;
        let nice = libc::getpriority(libc::PRIO_PROCESS, tid);
        if *libc::__errno_location() == 0 {
            libc::setpriority(libc::PRIO_PROCESS, tid, nice + RPC_NICENESS);
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn nice_of_this_thread() -> i32 {
        // SAFETY: as above.
        unsafe {
            let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
            libc::getpriority(libc::PRIO_PROCESS, tid)
        }
    }

    #[test]
    fn only_the_calling_thread_is_lowered() {
        let before = nice_of_this_thread();
        let lowered = std::thread::spawn(|| {
            let start = nice_of_this_thread();
            lower_rpc_thread();
            (start, nice_of_this_thread())
        })
        .join()
        .unwrap();
        assert_eq!(lowered.1, (lowered.0 + RPC_NICENESS).min(19));
        assert_eq!(nice_of_this_thread(), before);
    }
}
