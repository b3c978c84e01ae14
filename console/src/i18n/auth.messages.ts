/** Strings of the identity-provider sign-in (console/src/oidc.ts, pages/SignIn.tsx); spread into messages.ts. */
export const zh = {
  'auth.idp': '使用单位统一身份认证登录',
  'auth.idpHelp': '将跳转到单位的统一身份认证页面，登录后自动返回本控制台。',
  'auth.redirecting': '正在跳转到身份认证页面…',
  'auth.noRole': '登录成功，但访问令牌中没有 fangpin:role，无法确定角色。请联系管理员在身份认证系统中分配角色。',
  'auth.expired': '身份认证系统返回的令牌已过期，请重新登录。',
  'auth.failed': '登录未完成：{{message}}',
};

export const en: Record<keyof typeof zh, string> = {
  'auth.idp': 'Sign in with your identity provider',
  'auth.idpHelp': "You will be taken to your organisation's sign-in page and brought back here afterwards.",
  'auth.redirecting': 'Taking you to the sign-in page…',
  'auth.noRole':
    'Signed in, but the access token carries no fangpin:role, so the console cannot tell your role. Ask an administrator to assign one at the identity provider.',
  'auth.expired': 'The identity provider returned an expired token; please sign in again.',
  'auth.failed': 'Sign-in did not complete: {{message}}',
};
