/**
 * presets.organization: organizations, members, invitations, teams and custom roles.
 *
 * @module
 */
import { organization as organizationPlugin } from "better-auth/plugins/organization";
import { AuthD1Error } from "../errors.js";
import { assertImageURL, assertPlainText, assertSlug } from "../input-checks.js";
import { invitationEmail } from "../mail.js";
import { preset } from "../preset.js";

type OrganizationOptions = NonNullable<Parameters<typeof organizationPlugin>[0]>;

/**
 * better-auth's organization plugin with invitations mailed through `sendEmail` (kind
 * `organization-invitation`, linking to `<BETTER_AUTH_URL>/accept-invitation/<id>`); when the mail fails,
 * `/organization/invite-member` answers 502 `EMAIL_SEND_FAILED` and creates no invitation (better-auth alone
 * answers 200 and keeps it), so inviting again works. It takes the plugin's own options, so its types
 * follow them: `teams: { enabled: true }` adds the team endpoints, `dynamicAccessControl: { enabled: true }`
 * the role endpoints. An invitation can be accepted or rejected
 * only by an account whose email is verified (`requireEmailVerificationOnInvitation: true`): anyone can sign
 * up with the invited address, so only the verification shows they own it. Organization and team names
 * with control or bidi characters, slugs with anything but letters, digits and `-_.`, and non-http(s)
 * logos are refused with 400 (`INVALID_TEXT`, `INVALID_SLUG`, `INVALID_URL`) before your own hooks run.
 * Yours win over ours.
 *
 * @example
 * ```ts
 * createAuth(env, { plugins: [presets.organization({ teams: { enabled: true } })] });
 * ```
 */
export const organization = ((options: OrganizationOptions = {}) => {
  if (options.dynamicAccessControl?.enabled && !options.ac) {
    throw new AuthD1Error(
      "OPTIONS_INVALID",
      "presets.organization: dynamicAccessControl needs an access-control instance. Pass `ac: createAccessControl({...})` from better-auth/plugins/access, with the statements roles may grant.",
    );
  }
  return preset((context) =>
    organizationPlugin({
      requireEmailVerificationOnInvitation: true,
      ...options,
      organizationHooks: checkedHooks(options.organizationHooks),
      sendInvitationEmail:
        options.sendInvitationEmail ??
        (context?.sendEmail &&
          (async (data, request) => {
            const base = context.origin ?? (request ? new URL(request.url).origin : "");
            await context.sendEmail?.(
              invitationEmail({
                to: data.email,
                url: `${base}/accept-invitation/${data.id}`,
                invitationId: data.id,
                organizationName: data.organization.name,
                inviterEmail: data.inviter.user.email,
                role: data.role,
              }),
              request,
            );
          })),
    }),
  );
}) as typeof organizationPlugin;

type OrganizationHooks = NonNullable<OrganizationOptions["organizationHooks"]>;

function assertOrganization(organization: { name?: unknown; slug?: unknown; logo?: unknown }): void {
  assertPlainText("name", organization.name);
  assertSlug("slug", organization.slug);
  assertImageURL("logo", organization.logo);
}

/** Your hooks, each run after our checks of what it is about to store. */
function checkedHooks(hooks: OrganizationHooks = {}): OrganizationHooks {
  return {
    ...hooks,
    beforeCreateOrganization: async (data) => {
      assertOrganization(data.organization);
      return hooks.beforeCreateOrganization?.(data);
    },
    beforeUpdateOrganization: async (data) => {
      assertOrganization(data.organization);
      return hooks.beforeUpdateOrganization?.(data);
    },
    beforeCreateTeam: async (data) => {
      assertPlainText("name", data.team.name);
      return hooks.beforeCreateTeam?.(data);
    },
    beforeUpdateTeam: async (data) => {
      assertPlainText("name", data.updates.name);
      return hooks.beforeUpdateTeam?.(data);
    },
  };
}
