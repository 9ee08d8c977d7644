import CScanShim

/// How the C allocator treats the large buffers of a page (the decoded image, its copies, the
/// registration's maps).
public enum AllocatorTuning {
    /// glibc gives every allocation from 128 KiB up its own mapping and hands it back to the
    /// kernel when it is freed, so each page's buffers are faulted in and cleared again, page
    /// after page: a tenth of the time of a Lembar 2 scan went to the kernel. Serve them from
    /// the heap (up to 32 MiB each) and keep freed memory for the next page. Peak memory grows
    /// by about one page's buffers (2 MB on a Lembar 2 scan), not with the number of pages
    /// read. Call once, before reading pages; does nothing off glibc.
    public static func keepPageBuffers() {
        _ = CScanShim_keepLargeAllocations()
    }
}
