/// A change to the review queue (the state's `review` table), made in the
/// same transaction as the journal entry of the input it belongs to, so the
/// queue and the files in review/ never disagree across a crash.
enum ReviewChange: Sendable {
    /// A prediction routed to review/.
    case queued(ReviewItem)
    /// A person moved it into a label folder: `confirmed` or `corrected`, with their label.
    case resolved(id: Int64, status: ReviewItem.Status, label: String)
    /// A newer model was sure of it: moved on to archive/predicted/.
    case rescored(id: Int64, label: String, confidence: Double, modelVersion: Int)
}
