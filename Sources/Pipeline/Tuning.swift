/// The run's tuning for the machine it runs on, in one place, with the measurement that
/// set each value (README, "Benchmark"). Behaviour never depends on these: only speed
/// and memory do.
enum Tuning {
    /// Files looked at (claimed, fingerprinted, scanned) ahead of the one being applied.
    /// Bounds the open files and memory of the lookahead however long the inbox: each
    /// look keeps at most `keptBytes` of rows and one open reader.
    static let lookaheadWindow = 8

    /// Folders in `tmp/` the outputs made ahead are spread over: creating a file locks its
    /// folder for as long as the creation takes (a fraction of a millisecond on ext4),
    /// and meanwhile the run's thread renames the outputs of a file eight places back out
    /// of another folder.
    static let aheadFolders = 16

    /// The most rows, and cell bytes, a first pass keeps for the second: a school's, a
    /// trust's or an appropriate body's usual file. A bigger file is parsed twice rather
    /// than held in memory.
    static let keptRows = 2_000

    /// Rows validated and written together (see `FileProcessor.validateRows`): the state of
    /// this many rows' teachers is read in ~5 queries, and their rows written in
    /// multi-row statements of 500.
    static let chunkRows = 1_000
    static let keptBytes = 2 << 20

    // Two more choices live with the code they shape: committed inputs are deleted at the
    // end of the run, not one by one (`ClaimedInputs`: ext4 without a journal checks every
    // inode freed in the last 30 s on each file creation), and `AtomicFile` never opens
    // with O_TRUNC (truncating makes ext4 write the file back on close).
}
