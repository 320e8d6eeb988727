//! Moderator commands: who may run `/reload` or remove the bot's answers, and what the
//! moderator is told.
//!
//! The one place that decides who is a moderator ([`may_reload`]; [`may_dismiss`] uses it). Discord's
//! `default_member_permissions` only hides the command; a guild admin can grant it to anyone, so
//! every call is checked again here. Refusals and summaries are private (ephemeral) and never
//! ping anyone. This module never reads files itself: the reload goes through
//! `Reloader::reload`.

use serenity::all::{
    CommandInteraction, Context, CreateInteractionResponse, CreateInteractionResponseMessage,
    EditInteractionResponse, GuildId, Member,
};
use tracing::{info, warn};

use super::limits::MESSAGE_CONTENT;
use super::reload::{Reloader, Trigger};
use super::render::{interaction_message, no_mentions};
use crate::catalog::{plural, LoadError, ReloadSummary, ResponseSource};
use crate::reply::Reply;

/// The moderator's own words. Fixed and kind.
pub mod words {
    pub const NOT_A_MODERATOR: &str = "Sorry, only moderators can reload the responses. If you look after this server's answers, ask an admin for the Manage Server permission or a moderator role.";
    pub const NOT_IN_A_SERVER: &str =
        "Reloading works only in a server, for its moderators. Please use /reload there.";
    pub const STILL_LIVE: &str = "The previous responses are still live.";
}

/// Why someone may, or may not, reload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permit {
    /// Manage Server (or Administrator) in that guild, as Discord computed it for the caller.
    ManageServer,
    /// One of the moderator roles of `[moderation] role_ids`.
    ModeratorRole,
    /// Not in a guild (a DM): there is no server whose moderator the caller could be.
    RefusedOutsideAGuild,
    RefusedNotAModerator,
}

impl Permit {
    pub fn allows(self) -> bool {
        matches!(self, Permit::ManageServer | Permit::ModeratorRole)
    }
}

/// Whether the caller of a command may reload: Manage Server in the guild the command came from,
/// or one of the configured moderator roles. Trusts only what Discord computed for this
/// interaction (`member.permissions`, `member.roles`), never anything the caller typed.
pub fn may_reload(
    guild: Option<GuildId>,
    member: Option<&Member>,
    moderator_roles: &[u64],
) -> Permit {
    let (Some(_), Some(member)) = (guild, member) else {
        return Permit::RefusedOutsideAGuild;
    };
    if member
        .permissions
        .is_some_and(|permissions| permissions.manage_guild() || permissions.administrator())
    {
        return Permit::ManageServer;
    }
    if member
        .roles
        .iter()
        .any(|role| moderator_roles.contains(&role.get()))
    {
        return Permit::ModeratorRole;
    }
    Permit::RefusedNotAModerator
}

/// Whether the presser of a Dismiss button may remove the bot's answer: the member who asked
/// (the id the button carries, compared with the presser Discord reports, never trusted alone),
/// or a moderator by the same rule as `/reload`.
pub fn may_dismiss(
    asker: u64,
    presser: u64,
    guild: Option<GuildId>,
    member: Option<&Member>,
    moderator_roles: &[u64],
) -> bool {
    presser == asker || may_reload(guild, member, moderator_roles).allows()
}

/// `/reload`: checks the caller, defers (reading every file may take a moment), reloads, then
/// replaces the deferred response with the summary or every problem.
pub(super) async fn on_reload(
    ctx: &Context,
    command: &CommandInteraction,
    reloader: &Reloader,
    moderator_roles: &[u64],
) {
    let user = command.user.id.get();
    let guild = command.guild_id;
    let permit = may_reload(guild, command.member.as_deref(), moderator_roles);
    let guild = match (permit.allows(), guild) {
        (true, Some(guild)) => guild.get(),
        _ => {
            info!(user, guild = ?guild.map(GuildId::get), ?permit, "refused /reload");
            let text = if permit == Permit::RefusedOutsideAGuild {
                words::NOT_IN_A_SERVER
            } else {
                words::NOT_A_MODERATOR
            };
            let response =
                CreateInteractionResponse::Message(interaction_message(&Reply::notice(text)));
            if let Err(err) = command.create_response(&ctx.http, response).await {
                warn!(error = %err, "could not refuse /reload");
            }
            return;
        }
    };
    let defer =
        CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true));
    if let Err(err) = command.create_response(&ctx.http, defer).await {
        // Without an acknowledged interaction the moderator would never see the outcome; they
        // see "the application did not respond" and can try again.
        warn!(error = %err, user, guild, "could not acknowledge /reload; not reloading");
        return;
    }
    let result = reloader
        .reload(&ctx.http, Trigger::Command { user, guild })
        .await;
    let text = match &result {
        Ok(summary) => summary_text(summary, reloader.source()),
        Err(err) => failure_text(err, reloader.source()),
    };
    let edit = EditInteractionResponse::new()
        .content(text)
        .allowed_mentions(no_mentions());
    if let Err(err) = command.edit_response(&ctx.http, edit).await {
        warn!(error = %err, user, guild, "could not tell the moderator how /reload went");
    }
}

/// What a successful reload changed, for the moderator.
pub fn summary_text(summary: &ReloadSummary, source: &ResponseSource) -> String {
    let mut head = format!(
        "Reloaded the responses: {} topics, {} questions.",
        summary.topics, summary.questions
    );
    for (name, ids) in [
        ("Added", &summary.added),
        ("Removed", &summary.removed),
        ("Edited", &summary.edited),
    ] {
        if !ids.is_empty() {
            head.push_str(&format!("\n{name}: {}", ids.join(", ")));
        }
    }
    if summary.disclaimer_changed {
        head.push_str("\nThe disclaimer changed.");
    }
    if summary.safety_changed {
        head.push_str("\nThe safety notices or language changed.");
    }
    if !summary.changed_anything() {
        head.push_str("\nNothing changed.");
    }
    if summary.warnings.is_empty() {
        return fit(head, &[]);
    }
    head.push_str(&format!(
        "\n{} warning{} (the responses loaded anyway):",
        summary.warnings.len(),
        if summary.warnings.len() == 1 { "" } else { "s" }
    ));
    let lines: Vec<String> = summary
        .warnings
        .iter()
        .map(|problem| shown(&problem.to_string(), source))
        .collect();
    fit(head, &lines)
}

/// Why a reload was refused: every problem as `file:line: message`, as many as fit.
pub fn failure_text(err: &LoadError, source: &ResponseSource) -> String {
    let errors = err.root_errors().count();
    let head = format!(
        "Nothing was reloaded: the response files have {errors} {}. {}",
        plural(errors, "problem", "problems"),
        words::STILL_LIVE
    );
    let lines: Vec<String> = err
        .report(false)
        .iter()
        .map(|line| shown(line, source))
        .collect();
    fit(head, &lines)
}

/// A report line with paths relative to the responses folder: that is the path the moderator
/// edits, and the server's own folders are none of the channel's business.
fn shown(line: &str, source: &ResponseSource) -> String {
    let mut line = line.to_string();
    if let ResponseSource::Dir(dir) = source {
        let prefix = format!("{}{}", dir.display(), std::path::MAIN_SEPARATOR);
        line = line.replace(&prefix, "");
    }
    // A code block shows the text as written; only its own fence could break out of it.
    line.replace("```", "'''")
}

/// `head`, then `lines` in a code block, cut to Discord's message length with "… and N more".
fn fit(head: String, lines: &[String]) -> String {
    if lines.is_empty() {
        return truncate(head, MESSAGE_CONTENT);
    }
    let fence = "\n```\n";
    let close = "\n```";
    let mut text = head.clone();
    text.push_str(fence);
    let mut shown = 0;
    for (index, line) in lines.iter().enumerate() {
        let left = lines.len() - index - 1;
        let more = if left > 0 {
            format!("\n… and {left} more")
        } else {
            String::new()
        };
        let separator = if shown == 0 { "" } else { "\n" };
        let needed = text.chars().count()
            + separator.len()
            + line.chars().count()
            + close.len()
            + more.chars().count();
        if needed > MESSAGE_CONTENT {
            break;
        }
        text.push_str(separator);
        text.push_str(line);
        shown += 1;
    }
    if shown == 0 {
        // Not even one problem fits (a huge message): say how many there are.
        return truncate(
            format!("{head}\n… and {} more", lines.len()),
            MESSAGE_CONTENT,
        );
    }
    text.push_str(close);
    if shown < lines.len() {
        text.push_str(&format!("\n… and {} more", lines.len() - shown));
    }
    text
}

fn truncate(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Problem;
    use serenity::all::Permissions;

    fn member(permissions: Permissions, roles: &[u64]) -> Member {
        let mut member: Member = serde_json::from_value(serde_json::json!({
            "user": { "id": "7", "username": "m", "discriminator": "0", "global_name": null, "avatar": null },
            "roles": roles.iter().map(u64::to_string).collect::<Vec<_>>(),
            "joined_at": "2020-01-01T00:00:00.000000+00:00",
            "deaf": false, "mute": false, "flags": 0, "pending": false,
            "guild_id": "9",
        }))
        .unwrap();
        member.permissions = Some(permissions);
        member
    }

    #[test]
    fn the_asker_or_a_moderator_may_dismiss_nobody_else() {
        let guild = Some(GuildId::new(9));
        let someone = member(Permissions::SEND_MESSAGES, &[]);
        assert!(may_dismiss(7, 7, guild, Some(&someone), &[]));
        assert!(
            may_dismiss(7, 7, None, None, &[]),
            "the asker, also in a DM"
        );
        assert!(!may_dismiss(7, 8, guild, Some(&someone), &[]));
        assert!(!may_dismiss(7, 8, None, None, &[555]));
        let admin = member(Permissions::MANAGE_GUILD, &[]);
        assert!(may_dismiss(7, 8, guild, Some(&admin), &[]));
        let moderator = member(Permissions::SEND_MESSAGES, &[555]);
        assert!(may_dismiss(7, 8, guild, Some(&moderator), &[555]));
    }

    #[test]
    fn manage_server_or_a_moderator_role_may_reload_nobody_else() {
        let guild = Some(GuildId::new(9));
        let roles = [555];
        let cases = [
            (Permissions::MANAGE_GUILD, &[][..], Permit::ManageServer),
            (Permissions::ADMINISTRATOR, &[], Permit::ManageServer),
            (Permissions::SEND_MESSAGES, &[555], Permit::ModeratorRole),
            (
                Permissions::SEND_MESSAGES,
                &[556],
                Permit::RefusedNotAModerator,
            ),
            (
                Permissions::MANAGE_MESSAGES | Permissions::MANAGE_ROLES,
                &[],
                Permit::RefusedNotAModerator,
            ),
            (Permissions::empty(), &[], Permit::RefusedNotAModerator),
        ];
        for (permissions, has, expected) in cases {
            let member = member(permissions, has);
            assert_eq!(
                may_reload(guild, Some(&member), &roles),
                expected,
                "{permissions:?} {has:?}"
            );
        }
        let moderator = member(Permissions::MANAGE_GUILD, &[555]);
        assert_eq!(
            may_reload(None, Some(&moderator), &roles),
            Permit::RefusedOutsideAGuild
        );
        assert_eq!(
            may_reload(guild, None, &roles),
            Permit::RefusedOutsideAGuild
        );
        assert_eq!(may_reload(None, None, &roles), Permit::RefusedOutsideAGuild);
        // Without configured roles, a role is no way in.
        let member = member(Permissions::SEND_MESSAGES, &[555]);
        assert_eq!(
            may_reload(guild, Some(&member), &[]),
            Permit::RefusedNotAModerator
        );
    }

    fn source() -> ResponseSource {
        ResponseSource::Dir(std::path::PathBuf::from("/srv/bot/responses"))
    }

    fn problem(n: usize) -> Problem {
        Problem::error(
            format!("/srv/bot/responses/topics/t{n}.toml"),
            Some(n),
            format!("problem number {n} with a longer explanation of what is wrong"),
        )
    }

    #[test]
    fn a_failure_lists_every_problem_relative_to_the_folder() {
        let err = LoadError::new(vec![problem(1), problem(2)]);
        let text = failure_text(&err, &source());
        assert!(text.starts_with("Nothing was reloaded: the response files have 2 problems."));
        assert!(text.contains(words::STILL_LIVE));
        assert!(
            text.contains("\ntopics/t1.toml:1: problem number 1"),
            "{text}"
        );
        assert!(
            text.contains("\ntopics/t2.toml:2: problem number 2"),
            "{text}"
        );
        assert!(!text.contains("/srv/bot"), "{text}");
        assert!(!text.contains("more"), "{text}");
    }

    #[test]
    fn a_long_list_of_problems_is_cut_to_fit_one_message() {
        let err = LoadError::new((1..=200).map(problem).collect());
        let text = failure_text(&err, &source());
        assert!(text.chars().count() <= MESSAGE_CONTENT, "{}", text.len());
        assert!(text.contains(words::STILL_LIVE));
        assert!(text.contains("topics/t1.toml:1: "));
        let shown = text.matches("problem number").count();
        assert!(shown > 10, "{text}");
        assert!(
            text.ends_with(&format!("… and {} more", 200 - shown)),
            "{text}"
        );
        // The code block is closed before the count.
        assert_eq!(text.matches("```").count(), 2, "{text}");

        // A single enormous problem still leaves a message Discord accepts.
        let huge = Problem::error("x.toml", Some(1), "y".repeat(5000));
        let text = failure_text(&LoadError::new(vec![huge]), &source());
        assert!(text.chars().count() <= MESSAGE_CONTENT);
        assert!(text.contains(words::STILL_LIVE));
        assert!(text.ends_with("… and 1 more"), "{text}");
    }

    #[test]
    fn a_summary_says_what_changed() {
        let summary = ReloadSummary {
            topics: 5,
            questions: 31,
            added: vec!["new-topic".into()],
            removed: vec![],
            edited: vec!["car-t".into(), "immunotherapy".into()],
            disclaimer_changed: true,
            safety_changed: false,
            warnings: vec![],
        };
        assert_eq!(
            summary_text(&summary, &source()),
            "Reloaded the responses: 5 topics, 31 questions.\nAdded: new-topic\nEdited: car-t, immunotherapy\nThe disclaimer changed."
        );
        let unchanged = ReloadSummary {
            added: vec![],
            edited: vec![],
            disclaimer_changed: false,
            safety_changed: false,
            ..summary
        };
        assert!(summary_text(&unchanged, &source()).ends_with("\nNothing changed."));
    }
}
