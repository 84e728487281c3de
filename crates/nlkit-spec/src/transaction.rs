//! Several `do` operations sent as one datagram: a family's batch.
//!
//! nftables applies a change only inside a batch, `batch-begin`, the
//! changes, `batch-end`, in one datagram, all or nothing
//! ([`nlkit::Conn::transaction`]). [`Client::transaction`] sends the
//! operations it is given that way: as given when they begin with
//! `batch-begin` (the kernel's YNL CLI's `--multi` form, so a command copies
//! between the two tools), else wrapped in the spec's `batch-begin` and
//! `batch-end` when it has them, as `nft` does. Other families take the
//! operations as one datagram too, each applied on its own.

use crate::client::{Client, Reply};
use crate::{explain, Error};
use nlkit::engine::Ack;
use nlkit::wire::{Flags, MessageBuilder};
use nlkit::Answer;
use serde_json::{Map, Value};

/// What came of one operation of a transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The operation.
    pub op: String,
    /// Whether the client put it there (a batch's begin or end).
    pub added: bool,
    /// What the kernel said to it.
    pub answer: Answer,
    /// Where a refusal's extended ack points, by the request's names.
    pub located: Option<explain::Located>,
    /// The kernel's reply objects to it (a `do` that answers with data),
    /// decoded as the spec says.
    pub replies: Vec<Value>,
}

/// The batch's outcome: applied only if the kernel refused nothing.
pub fn applied(outcomes: &[Outcome]) -> bool {
    !outcomes.iter().any(|o| matches!(o.answer, Answer::Refused(_)))
}

impl Client<'_> {
    /// Runs the `do` of each operation of `ops` (name, request) as one
    /// datagram, `flags` added to the caller's operations, and returns each
    /// one's [`Outcome`], a batch's added begin and end included (see the
    /// module docs). The `res-id` of an added begin and end is the
    /// nfnetlink subsystem of the first operation (its message type's high
    /// byte). Every request is built and checked before anything is sent.
    pub fn transaction(
        &mut self,
        ops: &[(String, Map<String, Value>)],
        flags: Flags,
    ) -> Result<Vec<Outcome>, Error> {
        let spec = self.spec;
        let mut list = Vec::with_capacity(ops.len() + 2);
        for (name, json) in ops {
            list.push((self.op(name)?, json.clone(), false));
        }
        let wrap = (spec.op("batch-begin"), spec.op("batch-end"));
        if let ((Some(begin), Some(end)), Some(first)) = (wrap, list.first()) {
            if first.0.name != "batch-begin" {
                let mut head = Map::new();
                head.insert("res-id".into(), (first.0.request_value >> 8).into());
                list.insert(0, (begin, head.clone(), true));
                list.push((end, head, true));
            }
        }
        // The genlmsghdr's length (0 for a classic family): the same for all.
        let mut head_len = 0;
        let mut requests = Vec::with_capacity(list.len());
        let mut attrs_at = Vec::with_capacity(list.len());
        for (op, json, added) in &list {
            if op.do_.is_none() {
                return Err(Error::Unsupported(format!("{} has no do", op.name)));
            }
            let body = self.body(op, json)?;
            let (message_type, head) = self.address(op)?;
            head_len = head.len();
            let fixed =
                op.fixed_header.as_deref().and_then(|h| spec.structure(h)).map_or(0, |l| l.size());
            self.check_policy(op, false, body.get(fixed..).unwrap_or_default())?;
            attrs_at.push((16 + head.len() + fixed, body[fixed.min(body.len())..].to_vec()));
            let flags = if *added { Flags::empty() } else { flags };
            let mut bytes = head;
            bytes.extend_from_slice(&body);
            requests.push(Ack {
                message_type,
                flags,
                body: move |b: &mut MessageBuilder<'_, Vec<u8>>| b.append(&bytes),
            });
        }
        let answers = self.conn().transaction(requests.into_iter().enumerate())?;
        Ok(answers
            .into_iter()
            .map(|nlkit::Answered { key: i, answer, replies }| {
                let (op, _, added) = &list[i];
                let replies = replies
                    .iter()
                    .filter_map(|bytes| nlkit::wire::Messages::new(bytes).next()?.ok())
                    .map(|m| Reply::new(spec, Some(op), &m, head_len).to_json())
                    .collect();
                let located = match &answer {
                    Answer::Refused(k) if k.offset.is_some() || k.missing_type.is_some() => {
                        let (start, attrs) = &attrs_at[i];
                        let set = op.set.as_deref().unwrap_or_default();
                        Some(explain::locate(spec, set, attrs, *start, k))
                    }
                    _ => None,
                };
                Outcome { op: op.name.clone(), added: *added, answer, located, replies }
            })
            .collect())
    }
}
