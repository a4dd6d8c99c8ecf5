export default definePageConfig({ navigationBarTitleText: '交班汇总', enablePullDownRefresh: true });
